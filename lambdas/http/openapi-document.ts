import type * as core from 'zod/v4/core';
import { HttpProblem } from '../core/problem.js';
import { problemSchema, resourceId } from '../core/schemas/common.js';
import * as z from '../core/schemas/zod-mini.js';
import { API_OPERATIONS, type OperationDoc, STREAM_OPERATION } from './api-operations.js';
import { apiDescription, streamServers, withServers } from './openapi-servers.js';
import { ROUTES, type RouteDefinition, routeKey } from './routes.js';

type JsonObject = Record<string, unknown>;

/**
 * Drops the bounds zod gives every `.int()` (±2^53−1): they say nothing to a reader, and
 * Swagger UI shows the lower one as the example value (a status of -9007199254740991).
 */
const withoutSafeIntegerBounds = <T>(value: T): T => {
  if (Array.isArray(value)) return value.map(withoutSafeIntegerBounds) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(
        ([key, item]) =>
          !(key === 'minimum' && item === Number.MIN_SAFE_INTEGER) &&
          !(key === 'maximum' && item === Number.MAX_SAFE_INTEGER),
      )
      .map(([key, item]) => [key, withoutSafeIntegerBounds(item)]),
  ) as T;
};

const ref = (schema: core.$ZodType): JsonObject => {
  const id = z.globalRegistry.get(schema)?.id;
  return id ? { $ref: `#/components/schemas/${id}` } : inline(schema);
};

const inline = (schema: core.$ZodType): JsonObject => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonObject;
  return withoutSafeIntegerBounds(rest);
};

const components = (): Record<string, JsonObject> => {
  const all = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  }) as { schemas: Record<string, JsonObject> };
  return Object.fromEntries(
    Object.entries(all.schemas)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, withoutSafeIntegerBounds(schema)]),
  );
};

/** The component schemas `document` refers to, directly or through other components. */
const referencedComponents = (document: JsonObject, all: Record<string, JsonObject>) => {
  const used = new Set<string>();
  const pending = [JSON.stringify(document)];
  while (pending.length > 0) {
    for (const [, id] of pending.pop()!.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (id && !used.has(id) && all[id]) {
        used.add(id);
        pending.push(JSON.stringify(all[id]));
      }
    }
  }
  return Object.fromEntries(Object.entries(all).filter(([id]) => used.has(id)));
};

/** Response headers as OpenAPI describes them, from their descriptions by name. */
const headersOf = (headers: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, description]) => [
      name,
      { description, schema: { type: 'string' } },
    ]),
  );

const problem = (status: number, description: string, headers?: Record<string, string>) => ({
  description,
  ...(headers ? { headers: headersOf(headers) } : {}),
  content: {
    'application/problem+json': {
      schema: ref(problemSchema),
      example: {
        type: 'about:blank',
        title: new HttpProblem(status).title,
        status,
        detail: description,
      },
    },
  },
});

/** API Gateway's own answer when the stage's throttling limits are exceeded. */
const THROTTLED = {
  description: 'Throttled by the API stage (deployed only); retry later',
  content: {
    'application/json': {
      schema: { type: 'object', properties: { message: { type: 'string' } } },
      example: { message: 'Too Many Requests' },
    },
  },
};

const parameters = (route: RouteDefinition, doc: OperationDoc): JsonObject[] => {
  const pathShape: Record<string, core.$ZodType> = doc.path?._zod.def.shape ?? {};
  const path = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => {
    const schema = pathShape[match[1]!];
    return {
      name: match[1],
      in: 'path',
      required: true,
      schema: schema ? inline(schema) : inline(resourceId),
    };
  });
  const shape = doc.query?._zod.def.shape ?? {};
  const query = Object.entries(shape).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema: inline(schema as core.$ZodType),
  }));
  return [...path, ...query];
};

const operation = (route: RouteDefinition, doc: OperationDoc): JsonObject => {
  const responses: JsonObject = {};
  for (const [status, response] of Object.entries(doc.responses)) {
    const code = Number(status);
    // An error is the standard problem document, unless its operation documents its own.
    responses[status] =
      code >= 400 && !response.schema
        ? problem(code, response.description, response.headers)
        : {
            description: response.description,
            ...(response.headers ? { headers: headersOf(response.headers) } : {}),
            ...(response.schema || response.mediaType
              ? {
                  content: {
                    [response.mediaType ?? 'application/json']: {
                      ...(response.schema ? { schema: ref(response.schema) } : {}),
                      ...(response.example !== undefined ? { example: response.example } : {}),
                    },
                  },
                }
              : {}),
          };
  }
  if (!route.public) responses['401'] = problem(401, 'Missing or invalid API key');
  if (doc.body || doc.query || route.path.includes('{'))
    responses['400'] ??= problem(400, 'Invalid request');
  if (doc.body) responses['413'] ??= problem(413, 'Body too large');
  if (doc.body) responses['415'] = problem(415, 'Unsupported media type');
  // Every authenticated request reads its key from the table first, which may be down or slow.
  if (!route.public) responses['503'] ??= problem(503, 'A dependency is unavailable');
  if (!route.public) {
    responses['504'] ??= problem(504, 'A dependency or the time budget timed out');
  }
  // A limited route's own 429 (problem+json, with its headers) and the stage's throttling alike.
  const limited = responses['429'] as { description: string; content: JsonObject } | undefined;
  responses['429'] = limited
    ? {
        ...limited,
        description: `${limited.description}; or ${THROTTLED.description.toLowerCase()}`,
        content: { ...limited.content, ...THROTTLED.content },
      }
    : THROTTLED;
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
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
                {
                  schema: ref(body.schema),
                  ...(body.example !== undefined ? { example: body.example } : {}),
                },
              ]),
            ),
          },
        }
      : {}),
    responses,
  };
};

const CHAT_ID_PARAMETER = {
  name: 'chatId',
  in: 'path',
  required: true,
  description: 'The session id (`useChat` sends it as `id`)',
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
};

/** The resume and stop routes of the streaming function URL (when resumable streams are on). */
const streamControlPaths = (streamUrl: string | undefined): Record<string, JsonObject> => ({
  '/{chatId}/stream': {
    servers: streamServers(streamUrl),
    get: {
      operationId: 'resumeStream',
      summary: "Resume the answer a chat is streaming (the AI SDK's reconnectToStream)",
      tags: ['Chat'],
      parameters: [CHAT_ID_PARAMETER],
      responses: {
        200: {
          description: 'The answer so far and then live, as the same event stream',
          content: {
            'text/event-stream': {
              schema: { type: 'string' },
              example: STREAM_OPERATION.streamExample,
            },
          },
        },
        204: { description: 'Nothing is streaming in this chat' },
        400: problem(400, 'Malformed chat id'),
        401: problem(401, 'Missing or invalid API key'),
        404: problem(404, 'No such chat'),
        // A follower is a long invocation of its own: it counts against the requests per minute.
        429: problem(
          429,
          "Over the tenant's requests per minute; retry after `Retry-After` seconds",
          { 'Retry-After': 'Seconds to wait before retrying' },
        ),
        // The key is read from the table first, as on every authenticated route.
        503: problem(503, 'A dependency is unavailable'),
      },
    },
  },
  '/{chatId}/stop': {
    servers: streamServers(streamUrl),
    post: {
      operationId: 'stopStream',
      summary: 'Stop the answer a chat is streaming; what was written is kept, marked incomplete',
      description:
        'Stops the answer streaming in the chat, on whichever instance it runs, or, when none ' +
        'streams yet, the answer whose question was sent before this stop and is still being ' +
        'prepared (its passages looked up): it starts stopped. A stop never affects a question ' +
        'sent after it, nor another tenant, so it is accepted for any chat id. A stop that finds ' +
        'an answer streaming or being prepared is never refused nor counted; one that finds ' +
        'none (it is kept for a question it overtook) counts against the requests per minute.',
      tags: ['Chat'],
      parameters: [CHAT_ID_PARAMETER],
      responses: {
        202: {
          description: 'Stopping: the answer ends within a moment, or starts stopped',
          headers: headersOf({
            'RateLimit-Policy': 'The quota, when the stop was counted (it found no answer)',
            RateLimit: 'What is left of it, when the stop was counted',
          }),
        },
        400: problem(400, 'Malformed chat id'),
        401: problem(401, 'Missing or invalid API key'),
        413: problem(413, 'Body too large'),
        429: problem(
          429,
          "No answer streaming or being prepared in this chat, and over the tenant's requests per minute; retry after `Retry-After` seconds",
          {
            'Retry-After': 'Seconds to wait before retrying',
            'RateLimit-Policy': 'The quota: `"default";q=<requests>;w=<seconds>`',
            RateLimit: 'What is left: `"default";r=<remaining>;t=<seconds to reset>`',
          },
        ),
        503: problem(503, 'A dependency is unavailable'),
      },
    },
  },
});

const streamPathItem = (streamUrl: string | undefined): JsonObject => {
  const doc = STREAM_OPERATION;
  return {
    servers: streamServers(streamUrl),
    post: {
      operationId: doc.operationId,
      summary: doc.summary,
      description: doc.description,
      tags: [doc.tag],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { oneOf: doc.bodies.map((body) => ref(body)) },
            example: doc.example,
          },
        },
      },
      responses: {
        200: {
          description: doc.streamDescription,
          content: {
            'text/event-stream': { schema: { type: 'string' }, example: doc.streamExample },
          },
        },
        ...Object.fromEntries(
          Object.entries(doc.problems).map(([status, response]) => [
            status,
            typeof response === 'string'
              ? problem(Number(status), response)
              : problem(Number(status), response.description, response.headers),
          ]),
        ),
      },
    },
  };
};

/**
 * Generates the OpenAPI 3.1 description of the HTTP API from the route table, the operations'
 * documentation and the zod schemas the handlers validate with, so the description cannot
 * disagree with the code. Without servers: {@link withServers} adds them per deployment.
 * `npm run openapi` writes it to `lambdas/http/openapi-template.json`, which the public
 * function serves (so it bundles neither the schemas nor zod's JSON Schema code); a test
 * fails when that file falls behind.
 *
 * @example
 * const template = buildOpenApiTemplate();
 */
export const buildOpenApiTemplate = (): JsonObject => {
  const paths: Record<string, JsonObject> = {};
  for (const route of ROUTES) {
    const doc = API_OPERATIONS[routeKey(route)];
    if (!doc) throw new Error(`${routeKey(route)} has no entry in API_OPERATIONS`);
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, doc);
  }
  paths[STREAM_OPERATION.path] = streamPathItem(undefined);
  Object.assign(paths, streamControlPaths(undefined));
  return {
    openapi: '3.1.0',
    info: { title: 'RAG API', version: '1.0.0', description: apiDescription(undefined) },
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: sk-rag-…' },
      },
      schemas: referencedComponents({ paths }, components()),
    },
  };
};

/**
 * The OpenAPI 3.1 description for one deployment: {@link buildOpenApiTemplate} with the API's
 * server (`serverUrl`) and the streaming function URL (`streamUrl`).
 *
 * @example
 * const document = buildOpenApiDocument({ serverUrl: 'https://api.example.com' });
 */
export const buildOpenApiDocument = (
  options: { serverUrl?: string; streamUrl?: string } = {},
): JsonObject => withServers(buildOpenApiTemplate(), options);
