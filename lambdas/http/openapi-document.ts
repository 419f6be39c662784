import { z } from 'zod';
import { problemSchema } from '../core/schemas/common.js';
import { API_OPERATIONS, type OperationDoc } from './api-operations.js';
import { ROUTES, type RouteDefinition, routeKey } from './routes.js';

type JsonObject = Record<string, unknown>;

const ref = (schema: z.ZodType): JsonObject => {
  const id = z.globalRegistry.get(schema)?.id;
  return id ? { $ref: `#/components/schemas/${id}` } : inline(schema);
};

const inline = (schema: z.ZodType): JsonObject => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonObject;
  return rest;
};

const components = (): JsonObject => {
  const all = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  }) as { schemas: Record<string, JsonObject> };
  return Object.fromEntries(
    Object.entries(all.schemas)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]),
  );
};

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref(problemSchema) } },
});

const parameters = (route: RouteDefinition, doc: OperationDoc): JsonObject[] => {
  const path = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
  }));
  const shape = doc.query?.shape ?? {};
  const query = Object.entries(shape).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema: inline(schema as z.ZodType),
  }));
  return [...path, ...query];
};

const operation = (route: RouteDefinition, doc: OperationDoc): JsonObject => {
  const responses: JsonObject = {};
  for (const [status, response] of Object.entries(doc.responses)) {
    const code = Number(status);
    responses[status] =
      code >= 400
        ? problem(response.description)
        : {
            description: response.description,
            ...(response.schema
              ? {
                  content: {
                    [response.mediaType ?? 'application/json']: { schema: ref(response.schema) },
                  },
                }
              : response.mediaType
                ? { content: { [response.mediaType]: {} } }
                : {}),
          };
  }
  if (!route.public) responses['401'] = problem('Missing or invalid API key');
  if (doc.body || doc.query || route.path.includes('{'))
    responses['400'] ??= problem('Invalid request');
  if (doc.body) responses['413'] = problem('Body too large');
  if (doc.body) responses['415'] = problem('Unsupported media type');
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    tags: [doc.tag],
    ...(route.public ? { security: [] } : {}),
    parameters: parameters(route, doc),
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              doc.body.map((body) => [
                body.mediaType ?? 'application/json',
                { schema: ref(body.schema) },
              ]),
            ),
          },
        }
      : {}),
    responses,
  };
};

/**
 * Generates the OpenAPI 3.1 description of the HTTP API from the route table, the operations'
 * documentation and the zod schemas the handlers validate with, so the description cannot
 * disagree with the code.
 *
 * @example
 * const document = buildOpenApiDocument({ serverUrl: 'https://api.example.com' });
 */
export const buildOpenApiDocument = (
  options: { serverUrl?: string; streamUrl?: string } = {},
): JsonObject => {
  const paths: Record<string, JsonObject> = {};
  for (const route of ROUTES) {
    const doc = API_OPERATIONS[routeKey(route)];
    if (!doc) throw new Error(`${routeKey(route)} has no entry in API_OPERATIONS`);
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, doc);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'RAG API',
      version: '1.0.0',
      description:
        'Chat grounded in your documents, with citations. Authenticate with `Authorization: Bearer <API key>`. Streaming chat (AI SDK UI message stream) is served by a separate function URL' +
        (options.streamUrl ? `: ${options.streamUrl}` : '.') +
        ' On it, `GET /{chatId}/stream` resumes the answer a chat is streaming (204 when none) and `POST /{chatId}/stop` stops it.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: sk-rag-…' },
      },
      schemas: components(),
    },
  };
};
