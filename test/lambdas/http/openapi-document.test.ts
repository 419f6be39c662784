import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../lambdas/http/openapi-document.js';
import { ROUTES } from '../../../lambdas/http/routes.js';

type Operation = {
  responses: Record<string, unknown>;
  security?: unknown[];
  requestBody?: unknown;
};

describe('buildOpenApiDocument', () => {
  const document = buildOpenApiDocument({ serverUrl: 'https://api.example.com' }) as {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, object> };
  };

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
});
