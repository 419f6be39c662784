import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { createHttpHandler } from '../../../lambdas/http/create-http-handler.js';
import { json } from '../../../lambdas/http/responses.js';
import type { RouteDefinition } from '../../../lambdas/http/routes.js';
import { CapturingLogger } from '../../support/capturing-logger.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';

const routeTable: RouteDefinition[] = [
  { method: 'GET', path: '/v1/things', function: 'chat', public: true },
];

const handlerLogging = (logger: CapturingLogger) =>
  createHttpHandler({
    ...testHttpOptions({}, { logger }),
    routeTable,
    routes: {
      'GET /v1/things': async () => {
        logger.info('listing things');
        return json(200, { things: [] });
      },
    },
  });

const thingsRequest = (requestId: string | undefined) => {
  const event = apiGatewayEvent({ method: 'GET', url: '/v1/things', routeKey: 'GET /v1/things' });
  return { ...event, requestContext: { ...event.requestContext, requestId } } as typeof event;
};

const correlationIds = (logger: CapturingLogger) =>
  logger.items.map((item) => [item.message, item.correlation_id]);

describe('correlateLogs', () => {
  it("writes each request's lines, the route's and the access line, with that request's id", async () => {
    const logger = new CapturingLogger({ logLevel: 'INFO' });
    const handler = handlerLogging(logger);

    await handler(thingsRequest('request-1'), lambdaContext());
    await handler(thingsRequest('request-2'), lambdaContext());

    expect(correlationIds(logger)).toEqual([
      ['listing things', 'request-1'],
      ['request', 'request-1'],
      ['listing things', 'request-2'],
      ['request', 'request-2'],
    ]);
  });

  it("writes no correlation id for an event without a request id, not the previous request's", async () => {
    const logger = new CapturingLogger({ logLevel: 'INFO' });
    const handler = handlerLogging(logger);
    await handler(thingsRequest('request-1'), lambdaContext());
    logger.items.length = 0;

    await handler(thingsRequest(undefined), lambdaContext());

    expect(correlationIds(logger)).toEqual([
      ['listing things', undefined],
      ['request', undefined],
    ]);
  });
});
