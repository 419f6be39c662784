import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiGatewayEvent, type HttpRequestParts } from '../../../dev/http-events.js';
import { HttpProblem } from '../../../lambdas/core/problem.js';
import { tenantOf } from '../../../lambdas/http/authenticate.js';
import { createHttpHandler } from '../../../lambdas/http/create-http-handler.js';
import { json } from '../../../lambdas/http/responses.js';
import type { RouteDefinition } from '../../../lambdas/http/routes.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';

const routeTable: RouteDefinition[] = [
  { method: 'GET', path: '/open', function: 'public', public: true },
  { method: 'GET', path: '/v1/private', function: 'chat' },
  { method: 'POST', path: '/v1/echo', function: 'chat', accepts: ['application/json'] },
  { method: 'GET', path: '/v1/boom', function: 'chat' },
];

const handler = createHttpHandler({
  ...testHttpOptions({ 'token-a': 'tenant-a' }),
  routeTable,
  routes: {
    'GET /open': async () => json(200, { open: true }),
    'GET /v1/private': async (_, context) => json(200, { tenant: tenantOf(context) }),
    'POST /v1/echo': async (event) => {
      const body = z.strictObject({ message: z.string().min(1) }).parse(event.body);
      return json(200, body);
    },
    'GET /v1/boom': async () => {
      throw new Error('secret internal detail at /var/task/index.js:1');
    },
  },
});

const call = (parts: HttpRequestParts & { routeKey: string }) =>
  handler(apiGatewayEvent(parts), lambdaContext());

const bodyOf = (result: { body?: string }) => JSON.parse(result.body ?? 'null');

describe('createHttpHandler', () => {
  it('lets a route declared public through without a key', async () => {
    const result = await call({ method: 'GET', url: '/open', routeKey: 'GET /open' });

    expect(result.statusCode).toBe(200);
  });

  it('requires a key on every route not declared public', async () => {
    const result = await call({ method: 'GET', url: '/v1/private', routeKey: 'GET /v1/private' });

    expect(result.statusCode).toBe(401);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(result.headers?.['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('gives the route the tenant of the key', async () => {
    const result = await call({
      method: 'GET',
      url: '/v1/private',
      routeKey: 'GET /v1/private',
      headers: { Authorization: 'Bearer token-a' },
    });

    expect(bodyOf(result)).toEqual({ tenant: 'tenant-a' });
  });

  it('refuses at start-up a route implementation that ROUTES does not declare', () => {
    expect(() =>
      createHttpHandler({
        ...testHttpOptions(),
        routeTable,
        routes: { 'GET /v1/undeclared': async () => json(200, {}) },
      }),
    ).toThrow('not declared');
  });

  describe('bodies', () => {
    const post = (body: string | Buffer, contentType = 'application/json') =>
      call({
        method: 'POST',
        url: '/v1/echo',
        routeKey: 'POST /v1/echo',
        headers: { authorization: 'Bearer token-a', 'content-type': contentType },
        body,
      });

    it('parses a JSON body', async () => {
      const result = await post('{"message":"hi"}');

      expect(bodyOf(result)).toEqual({ message: 'hi' });
    });

    it.each([
      'application/json ; charset=utf-8',
      'application/json\t;charset=utf-8',
      'Application/JSON',
      'application/merge-patch+json',
    ])('parses a JSON body sent as %j', async (contentType) => {
      const result = await post('{"message":"hi"}', contentType);

      expect(result.statusCode).toBe(200);
    });

    it('answers malformed JSON with 400', async () => {
      const result = await post('{"message":');

      expect(result.statusCode).toBe(400);
      expect(bodyOf(result).type).toBe('urn:problem:malformed-json');
    });

    it('answers a JSON body that is not UTF-8 with 400, instead of reading its bytes as U+FFFD', async () => {
      const notUtf8 = Buffer.concat([
        Buffer.from('{"message":"caf'),
        Buffer.from([0xe9]), // "é" in Latin-1
        Buffer.from('"}'),
      ]);

      const result = await post(notUtf8);

      expect(result.statusCode).toBe(400);
      expect(bodyOf(result)).toMatchObject({
        type: 'urn:problem:malformed-json',
        detail: 'The request body is not UTF-8 text',
      });
    });

    it('answers valid JSON that uses __proto__ as a name with a 400 naming it', async () => {
      const result = await post('{"message":"hi","metadata":{"__proto__":"x"}}');

      expect(result.statusCode).toBe(400);
      expect(bodyOf(result).detail).toBe(
        'The request body uses a reserved key (__proto__) as a name',
      );
    });

    it('answers another media type with 415', async () => {
      const result = await post('message=hi', 'application/x-www-form-urlencoded');

      expect(result.statusCode).toBe(415);
    });

    it('answers a media type that only starts like JSON with 415 naming what the route accepts', async () => {
      const result = await post('{"message":"hi"}', 'application/json-seq');

      expect(result.statusCode).toBe(415);
      expect(bodyOf(result).detail).toBe(
        'This route accepts application/json; got application/json-seq',
      );
    });

    it('answers a body over the limit with 413 before parsing it', async () => {
      const result = await post(JSON.stringify({ message: 'x'.repeat(2_000) }));

      expect(result.statusCode).toBe(413);
    });

    it('answers a schema violation with 400 and the failing paths', async () => {
      const result = await post('{"message":"","extra":1}');

      expect(result.statusCode).toBe(400);
      expect(
        bodyOf(result)
          .errors.map((error: { path: string }) => error.path)
          .sort(),
      ).toEqual(['body', 'body.message']);
    });
  });

  it('renders an unexpected failure as a 500 problem without internals', async () => {
    const result = await call({
      method: 'GET',
      url: '/v1/boom',
      routeKey: 'GET /v1/boom',
      headers: { authorization: 'Bearer token-a' },
    });

    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('/var/task');
    expect(bodyOf(result)).toMatchObject({ status: 500, title: 'Internal Server Error' });
  });

  it('renders a thrown HttpProblem with its own status and headers', async () => {
    const problemHandler = createHttpHandler({
      ...testHttpOptions(),
      routeTable,
      routes: {
        'GET /open': async () => {
          throw new HttpProblem(429, { detail: 'slow down', headers: { 'retry-after': '3' } });
        },
      },
    });

    const result = await problemHandler(
      apiGatewayEvent({ method: 'GET', url: '/open', routeKey: 'GET /open' }),
      lambdaContext(),
    );

    expect(result.statusCode).toBe(429);
    expect(result.headers?.['retry-after']).toBe('3');
  });
});

describe('matchRoute', () => {
  it('keeps a malformed percent-escape as sent, for validation to reject', async () => {
    const { matchRoute } = await import('../../../lambdas/http/route-matcher.js');

    const match = matchRoute('GET', '/v1/sessions/%E0%A4%A');

    expect(match).toMatchObject({ kind: 'found', pathParameters: { id: '%E0%A4%A' } });
  });
});
