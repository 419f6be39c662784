import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { ReadUsage } from '../../../lambdas/core/limits/read-usage.js';
import { createHandler as createChatHandler } from '../../../lambdas/handlers/chat-api.js';
import { InMemorySessionStore } from '../../support/fakes/in-memory-session-store.js';
import { InMemoryUsageMeter } from '../../support/fakes/in-memory-usage-meter.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { inMemoryTenantLimiter } from '../../support/in-memory-tenant-limiter.js';
import { lambdaContext } from '../../support/lambda-context.js';

const setup = () => {
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const meter = new InMemoryUsageMeter(clock);
  const limiter = inMemoryTenantLimiter({
    clock,
    meter,
    defaults: {
      requestsPerMinute: 10,
      tokensPerDay: 1_000,
      concurrentStreams: 2,
      concurrentFollowers: 8,
    },
  });
  return createChatHandler({
    http: testHttpOptions({ 'key-a': 'tenant-a' }, { limiter }),
    answerQuestion: { answer: async () => ({ answer: 'ok' }) as never },
    sessions: new InMemorySessionStore(),
    usage: new ReadUsage({ meter, limiter, clock }),
  });
};

const get = (url: string, routeKey: string) =>
  apiGatewayEvent({ method: 'GET', url, routeKey, headers: { authorization: 'Bearer key-a' } });

describe('GET /v1/usage with a query', () => {
  it.each([
    ['a reversed range', '?from=2026-02-01&to=2026-01-01'],
    ['a range ten years back', '?from=2016-01-01&to=2026-01-01'],
    ['invalid dates', '?from=yesterday&to=not-a-date'],
  ])(
    'refuses %s with 400, as every other route refuses a query it does not take',
    async (_, query) => {
      // Arrange
      const handler = setup();

      // Act
      const sessions = await handler(
        get(`/v1/sessions${query}`, 'GET /v1/sessions'),
        lambdaContext(),
      );
      const usage = await handler(get(`/v1/usage${query}`, 'GET /v1/usage'), lambdaContext());

      // Assert: the sessions route says the query is not taken; the usage route answers the last
      // 30 days instead, as if the range had been honoured
      expect(sessions.statusCode).toBe(400);
      expect(usage.statusCode).toBe(400);
    },
  );
});
