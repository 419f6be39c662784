/**
 * The public function's answers to unusual requests (query parameters it does not
 * know, methods it does not serve) against its own conventions and RFC 9110.
 */
import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { createHandler } from '../../../lambdas/handlers/public-api.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';

const setup = () => {
  let probed = 0;
  const handler = createHandler({
    http: testHttpOptions(),
    probes: {
      // The table is down: a deep check must say so.
      dynamodb: async () => {
        probed += 1;
        throw new Error('connection refused');
      },
    },
  });
  const call = async (method: string, url: string, routeKey: string) =>
    handler(apiGatewayEvent({ method, url, routeKey }), lambdaContext());
  return { call, probed: () => probed };
};

describe('public function: unusual requests', () => {
  it('refuses an unknown query parameter of GET /health (a mistyped ?Deep=true) with a 400 instead of a shallow 200 "ok"', async () => {
    const { call, probed } = setup();

    // A monitor configured with `?Deep=true` (or `?deep=1`'s cousin `?depth=true`) believes it
    // checks the dependencies; the route ignores the parameter and reports `ok` while DynamoDB is down.
    const reply = await call('GET', '/health?Deep=true', 'GET /health');

    expect(probed()).toBe(0);
    expect(reply.statusCode).toBe(400);
    expect(reply.headers?.['content-type']).toBe('application/problem+json');
  });
});
