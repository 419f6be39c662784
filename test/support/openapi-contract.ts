/**
 * Checks a reply against what the served `/openapi.json` documents for its operation: the
 * status must be documented, the media type declared, and the body valid against its schema.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';

type Media = { schema?: object; example?: unknown };
type Response = { content?: Record<string, Media>; headers?: Record<string, unknown> };
type Operation = { responses: Record<string, Response> };
/** The published description, as `/openapi.json` serves it. */
export type OpenApi = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};

type AddFormats = (ajv: Ajv2020) => Ajv2020;

const newAjv = () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  const candidate = ajvFormats.default as unknown as AddFormats | { default: AddFormats };
  (typeof candidate === 'function' ? candidate : candidate.default)(ajv);
  return ajv;
};

/** What a reply breaks of its operation's description; an empty list when nothing. */
export const contractErrors = (
  spec: OpenApi,
  operation: { path: string; method: string },
  reply: { status: number; contentType: string | null | undefined; body: unknown },
): string[] => {
  const op = spec.paths[operation.path]?.[operation.method.toLowerCase()];
  if (!op) return [`${operation.method} ${operation.path} is not documented`];
  const documented = op.responses[String(reply.status)];
  if (!documented) return [`status ${reply.status} is not documented`];
  const mediaType = (reply.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const content = documented.content ?? {};
  if (Object.keys(content).length === 0) return [];
  const media = content[mediaType];
  if (!media) return [`${reply.status}: ${mediaType} is not documented (${Object.keys(content)})`];
  if (!media.schema) return [];
  const validate = newAjv().compile({ ...media.schema, components: spec.components });
  return validate(reply.body)
    ? []
    : (validate.errors ?? []).map(
        (error) =>
          `${reply.status} body${error.instancePath}: ${error.message} ${JSON.stringify(error.params)}`,
      );
};
