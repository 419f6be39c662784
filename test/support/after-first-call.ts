/**
 * `target` as a proxy that runs `meanwhile` once, right after the first call of `method`
 * resolves (and before its caller goes on): another worker's step between two of this one's.
 *
 * @example
 * const documents = afterFirstCall(fixture.documents, 'markDeleting', () => recreateTheFile());
 */
export const afterFirstCall = <T extends object>(
  target: T,
  method: keyof T & string,
  meanwhile: () => Promise<unknown>,
): T => {
  let pending: (() => Promise<unknown>) | undefined = meanwhile;
  return new Proxy(target, {
    get(object, name) {
      const value: unknown = Reflect.get(object, name, object);
      if (typeof value !== 'function') return value;
      const bound = (...args: unknown[]): unknown => Reflect.apply(value, object, args);
      if (name !== method) return bound;
      return async (...args: unknown[]) => {
        const result = await bound(...args);
        const run = pending;
        pending = undefined;
        await run?.();
        return result;
      };
    },
  });
};
