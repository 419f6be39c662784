import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { HttpProblem } from '../../../lambdas/core/problem.js';
import { tenantOf } from '../../../lambdas/http/authenticate.js';
import { createHttpHandler } from '../../../lambdas/http/create-http-handler.js';
import { json } from '../../../lambdas/http/responses.js';
import type { RouteDefinition } from '../../../lambdas/http/routes.js';
import { CapturingLogger } from '../../support/capturing-logger.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';

const routeTable: RouteDefinition[] = [
  { method: 'GET', path: '/v1/private', function: 'chat' },
  { method: 'GET', path: '/v1/missing', function: 'chat' },
];

const handlerLogging = (logger: CapturingLogger) =>
  createHttpHandler({
    ...testHttpOptions({ 'token-a': 'tenant-a' }, { logger }),
    routeTable,
    routes: {
      'GET /v1/private': async (_, context) => json(200, { tenant: tenantOf(context) }),
      'GET /v1/missing': async () => {
        throw new HttpProblem(404, { detail: 'No such thing' });
      },
    },
  });

const requestLines = (logger: CapturingLogger) =>
  logger.items.filter((item) => item.message === 'request');

describe('accessLog', () => {
  it('logs one INFO line per successful request with method, path, status, duration and tenant', async () => {
    const logger = new CapturingLogger({ logLevel: 'INFO' });

    await handlerLogging(logger)(
      apiGatewayEvent({
        method: 'GET',
        url: '/v1/private',
        routeKey: 'GET /v1/private',
        headers: { authorization: 'Bearer token-a' },
      }),
      lambdaContext(),
    );

    expect(requestLines(logger)).toEqual([
      expect.objectContaining({
        level: 'INFO',
        method: 'GET',
        path: '/v1/private',
        status: 200,
        durationMs: expect.any(Number),
        tenant: 'tenant-a',
      }),
    ]);
  });

  it("logs a refused request with its status and the problem's detail", async () => {
    const logger = new CapturingLogger({ logLevel: 'INFO' });

    await handlerLogging(logger)(
      apiGatewayEvent({
        method: 'GET',
        url: '/v1/missing',
        routeKey: 'GET /v1/missing',
        headers: { authorization: 'Bearer token-a' },
      }),
      lambdaContext(),
    );

    expect(requestLines(logger)).toEqual([
      expect.objectContaining({ status: 404, tenant: 'tenant-a', detail: 'No such thing' }),
    ]);
  });

  it('logs an unauthenticated request as a 401 with no tenant', async () => {
    const logger = new CapturingLogger({ logLevel: 'INFO' });

    await handlerLogging(logger)(
      apiGatewayEvent({ method: 'GET', url: '/v1/private', routeKey: 'GET /v1/private' }),
      lambdaContext(),
    );

    const [line] = requestLines(logger);
    expect(line).toMatchObject({ status: 401 });
    expect(line?.tenant).toBeUndefined();
  });
});
