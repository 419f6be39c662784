import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../lambdas/http/openapi-document.js';
import { ROUTES } from '../../../lambdas/http/routes.js';

type Media = { schema?: object; example?: unknown };
type Operation = {
  responses: Record<string, { content?: Record<string, Media> }>;
  security?: unknown[];
  requestBody?: { content: Record<string, Media> };
  parameters?: { name: string; in: string; schema?: object }[];
};

describe('buildOpenApiDocument', () => {
  const document = buildOpenApiDocument({
    serverUrl: 'https://api.example.com',
    streamUrl: 'https://stream.example.com',
  }) as {
    openapi: string;
    paths: Record<string, Record<string, Operation> & { servers?: { url: string }[] }>;
    components: { schemas: Record<string, object> };
  };
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'post', 'delete'].includes(method))
        .map(([method, operation]) => ({
          key: `${method} ${path}`,
          operation: operation as Operation,
        })),
    );
  const mediaOf = (operation: Operation) => [
    ...Object.values(operation.requestBody?.content ?? {}),
    ...Object.values(operation.responses).flatMap((response) =>
      Object.values(response.content ?? {}),
    ),
  ];

  it.each(['get /v1/documents/{id}', 'delete /v1/documents/{id}', 'get /v1/documents/{id}/chunks'])(
    'publishes the document id of %s as the UUID the function takes',
    (key) => {
      const [method, path] = key.split(' ') as [string, string];
      const parameter = document.paths[path]![method]!.parameters!.find((p) => p.name === 'id')!;
      const validate = new Ajv2020({ strict: false }).compile(parameter.schema!);

      expect(validate('0f8e4c7a-3b2d-4e1f-9a6b-5c4d3e2f1a0b')).toBe(true);
      expect(validate('guide-v2')).toBe(false);
    },
  );

  it('describes OpenAPI 3.1', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('documents every declared route', () => {
    for (const route of ROUTES) {
      expect(
        document.paths[route.path]?.[route.method.toLowerCase()],
        `${route.method} ${route.path}`,
      ).toBeDefined();
    }
  });

  it('marks public routes as needing no credential and the others as answering 401', () => {
    for (const route of ROUTES) {
      const operation = document.paths[route.path]![route.method.toLowerCase()]!;
      if (route.public) expect(operation.security).toEqual([]);
      else expect(operation.responses['401']).toBeDefined();
    }
  });

  it('takes the request schemas from the zod schemas the handlers validate with', () => {
    const chat = document.paths['/v1/chat']!.post!;

    expect(JSON.stringify(chat.requestBody)).toContain('#/components/schemas/ChatRequest');
    expect(document.components.schemas.ChatRequest).toMatchObject({
      required: ['message'],
      additionalProperties: false,
    });
  });

  it('has component schemas that are valid JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false });
    for (const [id, schema] of Object.entries(document.components.schemas)) {
      expect(ajv.validateSchema(schema), id).toBe(true);
    }
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(document));

    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('gives every request body and answer an example that its schema accepts', () => {
    const ajv = new Ajv2020({ strict: false, logger: false });
    for (const { key, operation } of operations()) {
      for (const media of mediaOf(operation).filter((media) => media.schema)) {
        const validate = ajv.compile({ ...media.schema, components: document.components });
        expect(media.example, key).toBeDefined();
        expect(validate(media.example), `${key}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  });

  it('states no meaningless integer bounds (Swagger would show -9007199254740991)', () => {
    expect(JSON.stringify(document)).not.toContain(String(Number.MIN_SAFE_INTEGER));
  });

  it('keeps only the component schemas something refers to', () => {
    const text = JSON.stringify(document.paths);
    const referenced = Object.keys(document.components.schemas).filter(
      (id) =>
        text.includes(`#/components/schemas/${id}"`) ||
        JSON.stringify(document.components.schemas).includes(`#/components/schemas/${id}"`),
    );

    expect(Object.keys(document.components.schemas)).toEqual(referenced);
    expect(document.components.schemas.IndexJob).toBeUndefined();
  });

  it('declares the deep parameter of /health', () => {
    expect(document.paths['/health']!.get!.parameters).toContainEqual(
      expect.objectContaining({ name: 'deep', in: 'query' }),
    );
  });

  it('documents 413, 415 and 422 on the upload and 429 and 503 on authenticated routes', () => {
    const upload = document.paths['/v1/documents']!.post!.responses;
    const list = document.paths['/v1/sessions']!.get!.responses;

    expect(Object.keys(upload)).toEqual(expect.arrayContaining(['409', '413', '415', '422']));
    expect(Object.keys(list)).toEqual(expect.arrayContaining(['401', '429', '503']));
  });

  it('documents the streaming endpoint with its own server and its event stream', () => {
    const stream = document.paths['/']!;

    expect(stream.servers).toEqual([
      expect.objectContaining({ url: 'https://stream.example.com' }),
    ]);
    expect(stream.post!.responses['200']!.content!['text/event-stream']!.example).toContain(
      'data: [DONE]',
    );
    expect(JSON.stringify(stream.post!.requestBody)).toContain(
      '#/components/schemas/UseChatRequest',
    );
  });

  it("documents the stream's 415 and 429, and no 404 (it starts a session it does not know)", () => {
    const responses = document.paths['/']!.post!.responses;

    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['415', '429']));
    expect(Object.keys(responses)).not.toContain('404');
  });

  it('documents the Retry-After and RateLimit headers of a 429', () => {
    const tooMany = document.paths['/v1/chat']!.post!.responses['429'] as {
      headers?: Record<string, unknown>;
    };

    expect(Object.keys(tooMany.headers ?? {})).toEqual(
      expect.arrayContaining(['Retry-After', 'RateLimit', 'RateLimit-Policy']),
    );
  });

  it('documents the 429 of GET /v1/usage and the RateLimit headers of its answer', () => {
    const responses = document.paths['/v1/usage']!.get!.responses as Record<
      string,
      { headers?: Record<string, unknown> }
    >;

    expect(Object.keys(responses['429']?.headers ?? {})).toEqual(
      expect.arrayContaining(['Retry-After', 'RateLimit', 'RateLimit-Policy']),
    );
    expect(Object.keys(responses['200']?.headers ?? {})).toEqual(
      expect.arrayContaining(['RateLimit', 'RateLimit-Policy']),
    );
  });

  it('documents the resume and stop routes of the stream URL on its server', () => {
    const resume = document.paths['/{chatId}/stream']!;
    const stop = document.paths['/{chatId}/stop']!;

    expect(resume.servers).toEqual([
      expect.objectContaining({ url: 'https://stream.example.com' }),
    ]);
    expect(Object.keys(resume.get!.responses)).toEqual(
      expect.arrayContaining(['200', '204', '404']),
    );
    expect(Object.keys(stop.post!.responses)).toEqual(['202', '400', '401', '413', '429', '503']);
  });

  it('documents a malformed chat id as a 400 on the resume and stop routes', () => {
    const resume = document.paths['/{chatId}/stream']!.get!.responses;
    const stop = document.paths['/{chatId}/stop']!.post!.responses;

    expect([resume['400'], stop['400']]).toEqual([
      expect.objectContaining({ description: 'Malformed chat id' }),
      expect.objectContaining({ description: 'Malformed chat id' }),
    ]);
  });

  it.each([
    ['get /v1/sessions', 'limit', { type: 'integer', minimum: 1, maximum: 100, default: 20 }],
    [
      'get /v1/documents/{id}/chunks',
      'offset',
      { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
    ],
  ])(
    'describes the query number %s ?%s as a bounded integer with its default',
    (key, name, schema) => {
      const [method, path] = key.split(' ') as ['get', string];
      const parameters = document.paths[path]![method]!.parameters as { name: string }[];

      expect(parameters.find((parameter) => parameter.name === name)).toEqual(
        expect.objectContaining({ in: 'query', schema }),
      );
    },
  );
});
