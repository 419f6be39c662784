/**
 * Checks requests and replies against the committed spec extract (`test/fixtures/spec-schemas.json`,
 * made by `scripts/extract-spec-schemas.ts`), and keeps the log of spec violations that the local
 * stand-in servers make loud.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, FormatDefinition, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import type {
  ExtractedOperation,
  ExtractedService,
  Json,
  SpecExtract,
} from '../../scripts/extract-spec-schemas.js';

/** A service whose spec is in the extract. */
export type SpecService = 'openai' | 'qdrant';

/** The operation a concrete request maps to. */
export interface OperationMatch {
  /** `METHOD /path/template`, as keyed in the extract. */
  key: string;
  operationId: string;
  /** Path parameters taken from the concrete path. */
  pathParams: Record<string, string>;
}

/** A request to check. `url` is the path as received, with its query string if any. */
export interface RequestToCheck {
  method: string;
  url: string;
  /** The parsed JSON body; `undefined` when the request had none. */
  body?: unknown;
}

/** A reply to check. For `text/event-stream` the body is one parsed event (a chunk). */
export interface ReplyToCheck {
  method: string;
  url: string;
  status: number;
  contentType: string;
  body: unknown;
  headers?: Record<string, string>;
}

/** Checks traffic of one service against its spec extract. */
export interface SpecValidator {
  readonly service: SpecService;
  /** Finds the operation for a method and a concrete path (query string ignored). */
  match(method: string, url: string): OperationMatch | undefined;
  /** Returns readable errors; an empty list means the request is valid. */
  validateRequest(request: RequestToCheck): string[];
  /** Returns readable errors; an empty list means the reply is valid. */
  validateResponse(reply: ReplyToCheck): string[];
}

/** Where the committed extract lives. */
export const SPEC_EXTRACT_PATH = fileURLToPath(
  new URL('../fixtures/spec-schemas.json', import.meta.url),
);

const MAX_ERRORS = 8;
const SCHEMA_REF_PREFIX = '#/components/schemas/';

let cachedExtract: SpecExtract | undefined;
const validators = new Map<SpecService, SpecValidator>();

/** Reads the committed extract (once per process). */
export function loadSpecExtract(): SpecExtract {
  cachedExtract ??= JSON.parse(readFileSync(SPEC_EXTRACT_PATH, 'utf8')) as SpecExtract;
  return cachedExtract;
}

function numberFormat(check: (value: number) => boolean): FormatDefinition<number> {
  return { type: 'number', validate: check };
}

const UINT = (max: number) =>
  numberFormat((value) => Number.isInteger(value) && value >= 0 && value <= max);

/** OpenAPI formats ajv-formats does not know; integer-ness itself is checked by `type`. */
const OPENAPI_FORMATS: Record<string, FormatDefinition<number> | FormatDefinition<string>> = {
  float: numberFormat(Number.isFinite),
  double: numberFormat(Number.isFinite),
  int32: numberFormat((value) => value >= -(2 ** 31) && value < 2 ** 31),
  int64: numberFormat(Number.isFinite),
  uint: UINT(Number.MAX_VALUE),
  uint8: UINT(255),
  uint32: UINT(2 ** 32 - 1),
  uint64: UINT(Number.MAX_VALUE),
  unixtime: numberFormat((value) => value >= 0),
  binary: { type: 'string', validate: () => true },
  'partial-date-time': { type: 'string', validate: () => true },
};

type AddFormats = (ajv: Ajv2020, formats: string[]) => Ajv2020;

function addStandardFormats(ajv: Ajv2020): void {
  // ajv-formats is CommonJS; depending on the loader its function is the namespace's default or
  // that default's own default.
  const candidate = ajvFormats.default as unknown as AddFormats | { default: AddFormats };
  const add = typeof candidate === 'function' ? candidate : candidate.default;
  add(ajv, ['uuid', 'date-time', 'date', 'uri']);
}

function rewriteRefs(value: Json, schemaDocId: string): Json {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, schemaDocId));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, Json> = {};
  for (const [key, sub] of Object.entries(value)) {
    out[key] =
      key === '$ref' && typeof sub === 'string' && sub.startsWith(SCHEMA_REF_PREFIX)
        ? `${schemaDocId}#/$defs/${sub.slice(SCHEMA_REF_PREFIX.length)}`
        : rewriteRefs(sub, schemaDocId);
  }
  return out;
}

function formatErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  const lines = (errors ?? []).map((error) => {
    const detail =
      error.keyword === 'additionalProperties'
        ? ` '${String(error.params.additionalProperty)}'`
        : error.keyword === 'enum'
          ? ` ${JSON.stringify(error.params.allowedValues)}`
          : '';
    const at = error.instancePath === '' ? '' : ` at ${error.instancePath}`;
    return `${where}${at}: ${error.message ?? error.keyword}${detail}`;
  });
  const unique = [...new Set(lines)];
  return unique.length > MAX_ERRORS
    ? [...unique.slice(0, MAX_ERRORS), `… and ${unique.length - MAX_ERRORS} more`]
    : unique;
}

function templateToRegExp(template: string): { regexp: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split('/')
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      if (param?.[1] === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { regexp: new RegExp(`^${source}$`), names };
}

function statusEntry(
  operation: ExtractedOperation,
  status: number,
): ExtractedOperation['responses'][string] | undefined {
  const responses = operation.responses;
  return (
    responses[String(status)] ?? responses[`${String(status).charAt(0)}XX`] ?? responses.default
  );
}

class ServiceValidator implements SpecValidator {
  readonly service: SpecService;
  private readonly spec: ExtractedService;
  private readonly docId: string;
  private readonly ajv: Ajv2020;
  private readonly queryAjv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: Array<{ key: string; method: string; regexp: RegExp; names: string[] }>;

  constructor(service: SpecService, spec: ExtractedService) {
    this.service = service;
    this.spec = spec;
    this.docId = `https://spec-extract.local/${service}.json`;
    const makeAjv = (coerceTypes: boolean): Ajv2020 => {
      const ajv = new Ajv2020({
        allErrors: true,
        coerceTypes,
        strict: true,
        strictTypes: false,
        strictTuples: false,
        strictRequired: false,
      });
      addStandardFormats(ajv);
      for (const [name, format] of Object.entries(OPENAPI_FORMATS)) ajv.addFormat(name, format);
      ajv.addSchema({
        $id: this.docId,
        $defs: rewriteRefs(spec.schemas as Json, this.docId) as Record<string, Json>,
      });
      return ajv;
    };
    this.ajv = makeAjv(false);
    this.queryAjv = makeAjv(true);
    this.routes = Object.entries(spec.operations).map(([key, operation]) => ({
      key,
      method: operation.method,
      ...templateToRegExp(operation.path),
    }));
  }

  match(method: string, url: string): OperationMatch | undefined {
    const path = this.specPath(url);
    if (path === undefined) return undefined;
    for (const route of this.routes) {
      if (route.method !== method.toUpperCase()) continue;
      const found = route.regexp.exec(path);
      if (found === null) continue;
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, index) => {
        pathParams[name] = decodeURIComponent(found[index + 1] ?? '');
      });
      const operation = this.spec.operations[route.key] as ExtractedOperation;
      return { key: route.key, operationId: operation.operationId, pathParams };
    }
    return undefined;
  }

  validateRequest(request: RequestToCheck): string[] {
    const found = this.match(request.method, request.url);
    if (found === undefined) return [this.unknown(request.method, request.url)];
    const operation = this.spec.operations[found.key] as ExtractedOperation;
    const errors: string[] = [];
    errors.push(...this.checkParams(found.key, 'path', operation, found.pathParams));
    const query = Object.fromEntries(new URL(request.url, 'http://x').searchParams);
    errors.push(...this.checkParams(found.key, 'query', operation, query));
    const requestBody = operation.requestBody;
    if (request.body === undefined) {
      if (requestBody?.required) errors.push('request body: required but missing');
    } else if (requestBody === undefined) {
      errors.push('request body: the operation takes none');
    } else {
      const schema = requestBody.content['application/json'];
      if (schema === undefined) errors.push('request body: no application/json schema');
      else errors.push(...this.check(`${found.key} request`, schema, request.body, 'request body'));
    }
    return errors;
  }

  validateResponse(reply: ReplyToCheck): string[] {
    const found = this.match(reply.method, reply.url);
    if (found === undefined) return [this.unknown(reply.method, reply.url)];
    const operation = this.spec.operations[found.key] as ExtractedOperation;
    const mediaType = reply.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    const entry = statusEntry(operation, reply.status);
    const errors: string[] = [];
    let schema: Json | undefined;
    if (entry !== undefined) {
      schema = entry.content[mediaType];
      const declared = Object.keys(entry.content);
      if (schema === undefined && declared.length > 0) {
        return [`reply ${reply.status}: content type '${mediaType}' not declared (${declared})`];
      }
      for (const [name, headerSchema] of Object.entries(entry.headers)) {
        const value = reply.headers?.[name.toLowerCase()];
        if (value === undefined) continue;
        const key = `${found.key} ${reply.status} header ${name}`;
        errors.push(...this.check(key, headerSchema, value, `header ${name}`, this.queryAjv));
      }
    } else if (reply.status >= 400) {
      // The spec leaves this error status undeclared: hold it to the service's error shape.
      schema = { $ref: `${SCHEMA_REF_PREFIX}${this.spec.errorSchema}` };
    } else {
      return [`reply ${reply.status}: status not declared for ${found.key}`];
    }
    if (schema === undefined) return errors;
    const key = `${found.key} ${entry === undefined ? 'error' : reply.status} ${mediaType}`;
    return [...errors, ...this.check(key, schema, reply.body, `reply ${reply.status}`)];
  }

  private specPath(url: string): string | undefined {
    const path = url.split('?')[0] ?? '';
    const base = this.spec.basePath;
    if (base === '') return path;
    if (path !== base && !path.startsWith(`${base}/`)) return undefined;
    return path.slice(base.length) || '/';
  }

  private unknown(method: string, url: string): string {
    const path = url.split('?')[0];
    return `${method.toUpperCase()} ${path} is not an operation of the ${this.service} spec extract`;
  }

  private checkParams(
    key: string,
    location: 'path' | 'query',
    operation: ExtractedOperation,
    values: Record<string, string>,
  ): string[] {
    const declared = operation.parameters[location];
    const properties: Record<string, Json> = {};
    const required: string[] = [];
    for (const [name, parameter] of Object.entries(declared)) {
      properties[name] = parameter.schema;
      if (parameter.required) required.push(name);
    }
    const schema: Json = { type: 'object', properties, required, additionalProperties: false };
    return this.check(
      `${key} ${location}`,
      schema,
      { ...values },
      `${location} parameter`,
      this.queryAjv,
    );
  }

  private check(
    cacheKey: string,
    schema: Json,
    data: unknown,
    where: string,
    ajv: Ajv2020 = this.ajv,
  ): string[] {
    const fullKey = `${ajv === this.ajv ? 'json' : 'coerced'} ${cacheKey}`;
    let validate = this.compiled.get(fullKey);
    if (validate === undefined) {
      validate = ajv.compile(rewriteRefs(schema, this.docId) as object);
      this.compiled.set(fullKey, validate);
    }
    return validate(data) ? [] : formatErrors(where, validate.errors);
  }
}

/** Returns the (cached) validator of a service; schemas compile once, on first use. */
export function getSpecValidator(service: SpecService): SpecValidator {
  let validator = validators.get(service);
  if (validator === undefined) {
    validator = new ServiceValidator(service, loadSpecExtract().services[service]);
    validators.set(service, validator);
  }
  return validator;
}

/** A departure from the spec seen by a stand-in server. */
export interface SpecViolation {
  service: SpecService;
  /**
   * `request`: the client sent what the real service would reject; `reply`: the stand-in itself
   * answered off-spec (a bug in the stand-in); `unsupported`: valid per spec but not implemented
   * by the stand-in.
   */
  kind: 'request' | 'reply' | 'unsupported';
  method: string;
  url: string;
  errors: string[];
}

/**
 * Collects violations, prints each to stderr (`console.error`) as it happens, and fails tests on
 * demand.
 */
export class ViolationLog {
  private readonly items: SpecViolation[] = [];
  private readonly print: boolean;

  /** @param print whether to write each violation to stderr when recorded (default true). */
  constructor(print = true) {
    this.print = print;
  }

  /** The violations recorded so far, oldest first. */
  get list(): readonly SpecViolation[] {
    return this.items;
  }

  /** Records one violation (and prints it unless printing is off). */
  record(violation: SpecViolation): void {
    this.items.push(violation);
    if (this.print) console.error(`[spec violation] ${describeViolation(violation)}`);
  }

  /** Forgets every recorded violation. */
  clear(): void {
    this.items.length = 0;
  }

  /** Throws an error listing every recorded violation, if there is any. */
  assertNone(): void {
    if (this.items.length === 0) return;
    const lines = this.items.map((violation) => `- ${describeViolation(violation)}`);
    throw new Error(`${this.items.length} spec violation(s):\n${lines.join('\n')}`);
  }
}

/** One line describing a violation. */
export function describeViolation(violation: SpecViolation): string {
  const { service, kind, method, url, errors } = violation;
  return `${service} ${kind} ${method} ${url}: ${errors.join('; ')}`;
}
