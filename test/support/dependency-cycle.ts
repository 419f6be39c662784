type Resources = Record<string, { DependsOn?: string | string[]; Properties?: unknown }>;

/** The logical ids a value names through `Ref` and `Fn::GetAtt` (and `Fn::Sub`'s `${Id}`). */
const referencedIds = (value: unknown, ids: ReadonlySet<string>): string[] => {
  if (typeof value === 'string') {
    return [...value.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)]
      .map((match) => match[1] ?? '')
      .filter((id) => ids.has(id));
  }
  if (Array.isArray(value)) return value.flatMap((item) => referencedIds(item, ids));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => {
    if (key === 'Ref' && typeof item === 'string') return ids.has(item) ? [item] : [];
    if (key === 'Fn::GetAtt' && Array.isArray(item)) {
      const id = String(item[0]);
      return ids.has(id) ? [id] : [];
    }
    return referencedIds(item, ids);
  });
};

/**
 * A dependency cycle among a template's resources, as the logical ids around it (the first
 * repeated at the end), or `[]` when there is none: CloudFormation refuses a template with one.
 *
 * @example
 * dependencyCycle(template.Resources); // []
 */
export const dependencyCycle = (resources: Resources): string[] => {
  const ids = new Set(Object.keys(resources));
  const edges = new Map(
    Object.entries(resources).map(([id, resource]) => [
      id,
      [...new Set([...referencedIds(resource, ids), ...[resource.DependsOn ?? []].flat()])],
    ]),
  );
  const done = new Set<string>();
  const visit = (id: string, path: string[]): string[] => {
    const at = path.indexOf(id);
    if (at >= 0) return [...path.slice(at), id];
    if (done.has(id)) return [];
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next, [...path, id]);
      if (cycle.length > 0) return cycle;
    }
    done.add(id);
    return [];
  };
  for (const id of ids) {
    const cycle = visit(id, []);
    if (cycle.length > 0) return cycle;
  }
  return [];
};
