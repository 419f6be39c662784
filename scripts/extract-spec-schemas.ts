/**
 * Extracts, from the published OpenAPI specs in `shared/specs/`, only the request and response
 * schemas of the operations this project calls, and writes them to
 * `test/fixtures/spec-schemas.json` so the tests run in a clone without `shared/`.
 *
 * Usage: `npx tsx scripts/extract-spec-schemas.ts [sharedDir]` (default: `../shared` from the
 * project root). The output is deterministic: re-running it against the same specs reproduces the
 * file byte for byte (a test checks this whenever `../shared/specs` exists).
 *
 * What the extract keeps and changes, so that one JSON Schema 2020-12 validator (ajv) can check
 * both an OpenAPI 3.0 spec (Qdrant) and an OpenAPI 3.1 spec (OpenAI, which still uses the 3.0
 * `nullable` keyword in places):
 * - annotations are dropped (`description`, `title`, `example(s)`, `deprecated`, `discriminator`,
 *   `externalDocs`, `x-*`); a keyword outside a known list fails the extraction loudly;
 * - `nullable: true` becomes a `'null'` type (a type array, `null` added to an `enum`, or an
 *   `anyOf` with `{ type: 'null' }`); a bare `{ nullable: true }` (Qdrant's "or null" branch)
 *   becomes `{ type: 'null' }`;
 * - `$ref`s keep their OpenAPI form `#/components/schemas/Name`, and every schema they reach,
 *   transitively, is kept under the service's `schemas`;
 * - object keys are sorted.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** One operation of the extract: what a request may carry and what each reply may be. */
export interface ExtractedOperation {
  operationId: string;
  method: string;
  path: string;
  parameters: {
    path: Record<string, { required: boolean; schema: Json }>;
    query: Record<string, { required: boolean; schema: Json }>;
  };
  requestBody?: { required: boolean; content: Record<string, Json> };
  responses: Record<string, { content: Record<string, Json>; headers: Record<string, Json> }>;
}

/** The extract of one service's spec. */
export interface ExtractedService {
  source: { file: string; openapi: string; version: string; sha256: string };
  /** Path prefix of the service's server URL (`/v1` for OpenAI), '' when none. */
  basePath: string;
  /** Schema of the service's error body, for statuses the spec leaves undeclared. */
  errorSchema: string;
  /** Operations keyed by `METHOD /path/template`. */
  operations: Record<string, ExtractedOperation>;
  /** Every component schema the operations reach, by name. */
  schemas: Record<string, Json>;
}

/** The whole extract, as written to `test/fixtures/spec-schemas.json`. */
export interface SpecExtract {
  $comment: string;
  services: { openai: ExtractedService; qdrant: ExtractedService };
}

interface ServicePlan {
  file: string;
  operations: ReadonlyArray<readonly [method: string, path: string]>;
  extraSchemas: readonly string[];
  errorSchema: string;
}

const PLANS: { openai: ServicePlan; qdrant: ServicePlan } = {
  openai: {
    file: 'specs/openai-openapi.json',
    operations: [
      ['POST', '/embeddings'],
      ['POST', '/chat/completions'],
    ],
    extraSchemas: ['ErrorResponse'],
    errorSchema: 'ErrorResponse',
  },
  qdrant: {
    file: 'specs/qdrant-openapi-v1.19.json',
    operations: [
      ['GET', '/'],
      ['GET', '/healthz'],
      ['GET', '/readyz'],
      ['PUT', '/collections/{collection_name}'],
      ['GET', '/collections/{collection_name}'],
      ['GET', '/collections/{collection_name}/exists'],
      ['PUT', '/collections/{collection_name}/index'],
      ['PUT', '/collections/{collection_name}/points'],
      ['POST', '/collections/{collection_name}/points/delete'],
      ['POST', '/collections/{collection_name}/points/query'],
      ['POST', '/collections/{collection_name}/points/query/batch'],
      ['POST', '/collections/{collection_name}/points/count'],
      ['POST', '/collections/{collection_name}/points/scroll'],
    ],
    extraSchemas: ['ErrorResponse'],
    errorSchema: 'ErrorResponse',
  },
};

const SCHEMA_REF_PREFIX = '#/components/schemas/';

/** Annotation keywords dropped from every schema. */
const DROPPED = new Set([
  'description',
  'title',
  'example',
  'examples',
  'deprecated',
  'discriminator',
  'externalDocs',
  'xml',
]);

/** Keywords whose value is one schema (or a boolean schema). */
const SCHEMA_VALUED = new Set([
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
]);

/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_VALUED = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);

/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_VALUED = new Set(['properties', 'patternProperties', 'dependentSchemas']);

/** Keywords kept as they are. */
const DATA_VALUED = new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'default',
  'format',
  'required',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
]);

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Converts OpenAPI 3.0 `nullable` on an already-normalised schema into a JSON Schema null type. */
function applyNullable(schema: JsonObject, nullable: boolean): JsonObject {
  if (!nullable) return schema;
  const keys = Object.keys(schema).filter((key) => key !== 'default');
  if (keys.length === 0) return { ...schema, type: 'null' };
  const combinator = ['$ref', 'allOf', 'anyOf', 'oneOf'].some((key) => key in schema);
  if (typeof schema.type === 'string' && !combinator) {
    const out: JsonObject = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null))
      out.enum = [...schema.enum, null];
    return out;
  }
  if (Array.isArray(schema.type) && !combinator) {
    return schema.type.includes('null') ? schema : { ...schema, type: [...schema.type, 'null'] };
  }
  const { default: defaultValue, ...rest } = schema;
  const out: JsonObject = { anyOf: [rest, { type: 'null' }] };
  if (defaultValue !== undefined) out.default = defaultValue;
  return out;
}

/**
 * Returns a schema stripped of annotations, with `nullable` converted; throws on a keyword the
 * extract does not know, so a spec change cannot silently weaken validation.
 */
export function normalizeSchema(schema: Json, where: string): Json {
  if (typeof schema === 'boolean') return schema;
  if (!isObject(schema)) throw new Error(`${where}: a schema must be an object or a boolean`);
  const out: JsonObject = {};
  let nullable = false;
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key) || key.startsWith('x-')) continue;
    if (key === 'nullable') {
      nullable = value === true;
    } else if (SCHEMA_VALUED.has(key)) {
      out[key] = Array.isArray(value)
        ? value.map((item, index) => normalizeSchema(item, `${where}/${key}/${index}`))
        : normalizeSchema(value, `${where}/${key}`);
    } else if (SCHEMA_LIST_VALUED.has(key) && Array.isArray(value)) {
      out[key] = value.map((item, index) => normalizeSchema(item, `${where}/${key}/${index}`));
    } else if (SCHEMA_MAP_VALUED.has(key) && isObject(value)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) {
        map[name] = normalizeSchema(sub, `${where}/${key}/${name}`);
      }
      out[key] = map;
    } else if (DATA_VALUED.has(key)) {
      if (key === '$ref' && !(typeof value === 'string' && value.startsWith(SCHEMA_REF_PREFIX))) {
        throw new Error(`${where}: unsupported $ref ${JSON.stringify(value)}`);
      }
      out[key] = value;
    } else {
      throw new Error(`${where}: keyword '${key}' is unknown to the extractor`);
    }
  }
  return applyNullable(out, nullable);
}

/** Returns `value` with every object's keys sorted, recursively. */
export function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key] as Json);
  return out;
}

function collectRefs(value: Json, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, into);
  } else if (isObject(value)) {
    for (const [key, sub] of Object.entries(value)) {
      if (key === '$ref' && typeof sub === 'string') into.add(sub.slice(SCHEMA_REF_PREFIX.length));
      else collectRefs(sub, into);
    }
  }
}

/** Follows a local `$ref` (`#/a/b`) within the spec document, or returns the value itself. */
function deref(spec: JsonObject, value: Json | undefined, where: string): JsonObject {
  if (!isObject(value)) throw new Error(`${where}: expected an object`);
  const ref = value.$ref;
  if (typeof ref !== 'string') return value;
  let node: Json | undefined = spec;
  for (const part of ref.replace(/^#\//, '').split('/')) {
    node = isObject(node) ? node[part] : undefined;
  }
  return deref(spec, node, ref);
}

function extractContent(content: Json | undefined, where: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (!isObject(content)) return out;
  for (const [mediaType, media] of Object.entries(content)) {
    if (isObject(media) && media.schema !== undefined) {
      out[mediaType] = normalizeSchema(media.schema, `${where}/${mediaType}`);
    }
  }
  return out;
}

function extractOperation(
  spec: JsonObject,
  method: string,
  path: string,
  fileLabel: string,
): ExtractedOperation {
  const where = `${fileLabel} ${method} ${path}`;
  const pathItem = deref(spec, isObject(spec.paths) ? spec.paths[path] : undefined, where);
  const operation = deref(spec, pathItem[method.toLowerCase()], where);
  const parameters: ExtractedOperation['parameters'] = { path: {}, query: {} };
  const declared = [
    ...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []),
    ...(Array.isArray(operation.parameters) ? operation.parameters : []),
  ];
  for (const raw of declared) {
    const parameter = deref(spec, raw, where);
    const location = parameter.in;
    const name = String(parameter.name);
    if (location !== 'path' && location !== 'query') continue;
    parameters[location][name] = {
      required: parameter.required === true,
      schema: normalizeSchema(parameter.schema ?? {}, `${where} parameter ${name}`),
    };
  }
  const result: ExtractedOperation = {
    operationId: String(operation.operationId),
    method,
    path,
    parameters,
    responses: {},
  };
  if (operation.requestBody !== undefined) {
    const body = deref(spec, operation.requestBody, where);
    result.requestBody = {
      required: body.required === true,
      content: extractContent(body.content, `${where} requestBody`),
    };
  }
  const responses = isObject(operation.responses) ? operation.responses : {};
  for (const [status, raw] of Object.entries(responses)) {
    const response = deref(spec, raw, `${where} ${status}`);
    const headers: Record<string, Json> = {};
    if (isObject(response.headers)) {
      for (const [name, header] of Object.entries(response.headers)) {
        const resolved = deref(spec, header, `${where} ${status} header ${name}`);
        headers[name] = normalizeSchema(resolved.schema ?? {}, `${where} header ${name}`);
      }
    }
    result.responses[status] = {
      content: extractContent(response.content, `${where} ${status}`),
      headers,
    };
  }
  return result;
}

function basePathOf(spec: JsonObject): string {
  const servers = Array.isArray(spec.servers) ? spec.servers : [];
  const first = servers[0];
  const url = isObject(first) && typeof first.url === 'string' ? first.url : '';
  const match = /^[a-z{}]+:\/\/[^/]+(\/.*)?$/i.exec(url);
  return (match?.[1] ?? '').replace(/\/$/, '');
}

function extractService(sharedDir: string, plan: ServicePlan): ExtractedService {
  const raw = readFileSync(join(sharedDir, plan.file));
  const spec = JSON.parse(raw.toString('utf8')) as JsonObject;
  const componentSchemas = isObject(spec.components) ? spec.components.schemas : undefined;
  if (!isObject(componentSchemas)) throw new Error(`${plan.file}: no components.schemas`);
  const operations: Record<string, ExtractedOperation> = {};
  for (const [method, path] of plan.operations) {
    operations[`${method} ${path}`] = extractOperation(spec, method, path, plan.file);
  }
  const pending = new Set<string>(plan.extraSchemas);
  collectRefs(operations as unknown as Json, pending);
  const schemas: Record<string, Json> = {};
  while (pending.size > 0) {
    const [name] = pending;
    pending.delete(name as string);
    if (name === undefined || name in schemas) continue;
    const source = componentSchemas[name];
    if (source === undefined) throw new Error(`${plan.file}: missing schema ${name}`);
    const schema = normalizeSchema(source, `${plan.file}#/components/schemas/${name}`);
    schemas[name] = schema;
    const refs = new Set<string>();
    collectRefs(schema, refs);
    for (const ref of refs) if (!(ref in schemas)) pending.add(ref);
  }
  const info = isObject(spec.info) ? spec.info : {};
  return {
    source: {
      file: plan.file,
      openapi: String(spec.openapi),
      version: String(info.version),
      sha256: createHash('sha256').update(raw).digest('hex'),
    },
    basePath: basePathOf(spec),
    errorSchema: plan.errorSchema,
    operations,
    schemas,
  };
}

/** Builds the extract from the specs under `sharedDir` (the folder holding `specs/`). */
export function extractSpecSchemas(sharedDir: string): SpecExtract {
  return {
    $comment:
      'Generated by scripts/extract-spec-schemas.ts from shared/specs; do not edit by hand. ' +
      'Annotations dropped, OpenAPI nullable converted to JSON Schema 2020-12 null types.',
    services: {
      openai: extractService(sharedDir, PLANS.openai),
      qdrant: extractService(sharedDir, PLANS.qdrant),
    },
  };
}

/** Serialises an extract exactly as the committed fixture is written (sorted keys, 2 spaces). */
export function serializeExtract(extract: SpecExtract): string {
  return `${JSON.stringify(sortKeys(extract as unknown as Json), null, 2)}\n`;
}

/** Root of the project (the parent of `scripts/`). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the committed extract lives. */
export const EXTRACT_PATH = join(PROJECT_ROOT, 'test', 'fixtures', 'spec-schemas.json');

function main(argv: readonly string[]): void {
  const sharedDir = resolve(PROJECT_ROOT, argv[0] ?? '../shared');
  const text = serializeExtract(extractSpecSchemas(sharedDir));
  mkdirSync(dirname(EXTRACT_PATH), { recursive: true });
  writeFileSync(EXTRACT_PATH, text);
  process.stdout.write(`wrote ${EXTRACT_PATH} (${text.length} bytes) from ${sharedDir}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2));
}
