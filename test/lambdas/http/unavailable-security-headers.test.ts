import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { createHandler } from '../../../lambdas/handlers/public-api.js';
import { deferredHandler } from '../../../lambdas/http/deferred-handler.js';
import type { HttpResult } from '../../../lambdas/http/http-types.js';
import { httpUnavailable } from '../../../lambdas/http/unavailable.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';

type Handler = ReturnType<typeof createHandler>;

const event = () =>
  apiGatewayEvent({
    method: 'GET',
    url: '/v1/sessions',
    routeKey: 'GET /v1/sessions',
    headers: { origin: 'http://localhost:3000', authorization: 'Bearer key-a' },
  });

const lowerCased = (headers: HttpResult['headers']) =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );

describe('an HTTP function whose composition fails (503 while unavailable)', () => {
  it('answers with the security headers every other answer of the function carries', async () => {
    // Arrange: what a composed function adds to any error (here the public one's 404).
    const composed = createHandler({ http: testHttpOptions(), probes: {} });
    const ordinary = lowerCased(
      (
        await composed(
          apiGatewayEvent({ method: 'GET', url: '/nope', routeKey: '$default' }),
          lambdaContext(),
        )
      ).headers,
    );
    const unavailable = await deferredHandler<Handler>(async () => {
      throw new Error('Secrets Manager is unreachable');
    }, httpUnavailable);

    // Act
    const reply = await unavailable(event(), lambdaContext());

    // Assert
    expect(reply.statusCode).toBe(503);
    const headers = lowerCased(reply.headers);
    expect(ordinary['x-content-type-options']).toBe('nosniff');
    expect(headers['x-content-type-options']).toBe(ordinary['x-content-type-options']);
    expect(headers['content-security-policy']).toBe(ordinary['content-security-policy']);
    expect(headers['strict-transport-security']).toBe(ordinary['strict-transport-security']);
  });
});
