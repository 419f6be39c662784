import type { Request } from '@middy/core';
import { describe, expect, it, vi } from 'vitest';
import { apiGatewayEvent, functionUrlEvent } from '../../../dev/http-events.js';
import { installAwsLambdaGlobal } from '../../../dev/lambda-response-stream.js';
import { IndexingUsage } from '../../../lambdas/core/limits/indexing-usage.js';
import { ReadUsage } from '../../../lambdas/core/limits/read-usage.js';
import { createHandler as createChatHandler } from '../../../lambdas/handlers/chat-api.js';
import { createHandler as createStreamHandler } from '../../../lambdas/handlers/stream-chat.js';
import type { ApiContext, HttpEvent } from '../../../lambdas/http/http-types.js';
import { limitRequests } from '../../../lambdas/http/limit-requests.js';
import { InMemorySessionStore } from '../../support/fakes/in-memory-session-store.js';
import { InMemoryUsageMeter } from '../../support/fakes/in-memory-usage-meter.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { inMemoryTenantLimiter } from '../../support/in-memory-tenant-limiter.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { invokeStreaming } from '../../support/streaming-invoke.js';
import { tokenUsage } from '../../support/token-usage.js';

installAwsLambdaGlobal();

const TENANTS = { 'key-a': 'tenant-a', 'key-b': 'tenant-b' };

const limiter = (requestsPerMinute: number) => {
  const clock = new ManualClock('2026-03-01T10:00:37.000Z');
  return inMemoryTenantLimiter({
    clock,
    defaults: {
      requestsPerMinute,
      tokensPerDay: 1_000_000,
      concurrentStreams: 10,
      concurrentFollowers: 8,
    },
  });
};

const chatHandler = (requestsPerMinute: number) =>
  createChatHandler({
    http: testHttpOptions(TENANTS, { limiter: limiter(requestsPerMinute) }),
    answerQuestion: { answer: async () => ({ answer: 'ok' }) as never },
    sessions: new InMemorySessionStore(),
  });

const chat = (key: string) =>
  apiGatewayEvent({
    method: 'POST',
    url: '/v1/chat',
    routeKey: 'POST /v1/chat',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'Why?' }),
  });

describe('limitRequests on the HTTP functions', () => {
  it('answers 429 problem+json with Retry-After and the RateLimit headers past the rate', async () => {
    const handler = chatHandler(2);
    await handler(chat('key-a'), lambdaContext());
    await handler(chat('key-a'), lambdaContext());

    const refused = await handler(chat('key-a'), lambdaContext());

    expect(refused.statusCode).toBe(429);
    expect(refused.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'Retry-After': '23',
      'RateLimit-Policy': '"default";q=2;w=60',
      RateLimit: '"default";r=0;t=23',
    });
    expect(JSON.parse(refused.body as string)).toMatchObject({ status: 429 });
  });

  it('leaves another tenant unaffected', async () => {
    const handler = chatHandler(1);
    await handler(chat('key-a'), lambdaContext());
    await handler(chat('key-a'), lambdaContext());

    const other = await handler(chat('key-b'), lambdaContext());

    expect(other.statusCode).toBe(200);
  });

  it('tells an admitted request what is left of the quota', async () => {
    const handler = chatHandler(120);

    const admitted = await handler(chat('key-a'), lambdaContext());

    expect(admitted.statusCode).toBe(200);
    expect(admitted.headers).toMatchObject({
      'RateLimit-Policy': '"default";q=120;w=60',
      RateLimit: '"default";r=119;t=23',
    });
  });

  it('tells an admitted request that then fails what is left of the quota', async () => {
    const handler = chatHandler(120);
    const invalid = { ...chat('key-a'), body: JSON.stringify({ message: '' }) };

    const failed = await handler(invalid, lambdaContext());

    expect(failed.statusCode).toBe(400);
    expect(failed.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'RateLimit-Policy': '"default";q=120;w=60',
      RateLimit: '"default";r=119;t=23',
    });
  });

  it('does not count routes that are not limited', async () => {
    const handler = chatHandler(1);
    const list = apiGatewayEvent({
      method: 'GET',
      url: '/v1/sessions',
      routeKey: 'GET /v1/sessions',
      headers: { authorization: 'Bearer key-a' },
    });
    await handler(list, lambdaContext());
    await handler(list, lambdaContext());

    expect((await handler(chat('key-a'), lambdaContext())).statusCode).toBe(200);
  });
});

describe('limitRequests admission', () => {
  const request = () =>
    ({
      event: chat('key-a'),
      context: { ...lambdaContext(), principal: { tenantId: 'tenant-a', keyId: 'key-a' } },
    }) as unknown as Request<HttpEvent, unknown, Error, ApiContext>;

  it('admits a route that is not limited at once, with no promise for Middy to await', () => {
    const { admit } = limitRequests<HttpEvent>({ limiter: limiter(1), isLimited: () => false });

    expect(admit.before?.(request())).toBeUndefined();
  });

  it('admits every route at once when there is no limiter', () => {
    const { admit } = limitRequests<HttpEvent>({ isLimited: () => true });

    expect(admit.before?.(request())).toBeUndefined();
  });
});

describe('limitRequests on the streaming function', () => {
  const post = (key: string) =>
    functionUrlEvent({
      method: 'POST',
      url: '/',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Why?' }),
    });

  it('answers 429 with the RateLimit headers before the stream starts, and not to another tenant', async () => {
    let streams = 0;
    const handler = createStreamHandler({
      ...testHttpOptions(TENANTS, { maxBodyBytes: 10_000 }),
      limits: limiter(1),
      answerQuestion: {
        stream: async function* () {
          streams += 1;
          yield* [];
          throw new Error('no model here');
        },
      },
    });
    const first = invokeStreaming(handler, post('key-a'), lambdaContext());
    await first.done;

    const refused = invokeStreaming(handler, post('key-a'), lambdaContext());
    await refused.done;
    const other = invokeStreaming(handler, post('key-b'), lambdaContext());
    await other.done;

    expect(refused.prelude.statusCode).toBe(429);
    expect(refused.prelude.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'RateLimit-Policy': '"default";q=1;w=60',
      RateLimit: '"default";r=0;t=23',
      'Retry-After': '23',
    });
    expect(other.prelude.statusCode).not.toBe(429);
    expect(streams).toBe(2);
  });
});

describe('concurrent streams on the streaming function', () => {
  const post = () =>
    functionUrlEvent({
      method: 'POST',
      url: '/',
      headers: { authorization: 'Bearer key-a', 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Why?' }),
    });

  const gatedHandler = (concurrentStreams: number) => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const handler = createStreamHandler({
      ...testHttpOptions(TENANTS, { maxBodyBytes: 10_000 }),
      limits: inMemoryTenantLimiter({
        clock,
        defaults: {
          requestsPerMinute: 1_000,
          tokensPerDay: 1_000_000,
          concurrentStreams,
          concurrentFollowers: 8,
        },
      }),
      answerQuestion: {
        stream: async function* () {
          yield { type: 'start', sessionId: 's', messageId: 'm', sources: [] } as const;
          await gate;
        },
      },
    });
    return { handler, open };
  };

  it('opens the limit of streams out of 20 parallel requests and refuses the rest with 429', async () => {
    const { handler, open } = gatedHandler(4);

    const responses = Array.from({ length: 20 }, () =>
      invokeStreaming(handler, post(), lambdaContext()),
    );
    // The gate opens once the refused have their answer: a sleep let the first streams end, and
    // free their slots, before the last requests were decided on a loaded machine.
    let ended = 0;
    for (const response of responses) void response.done.then(() => (ended += 1));
    await vi.waitFor(() => expect(ended).toBe(16), { timeout: 5_000 });
    open();
    await Promise.all(responses.map((response) => response.done));

    const statuses = responses.map((response) => response.prelude.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(4);
    expect(statuses.filter((status) => status === 429)).toHaveLength(16);
    expect(
      responses.find((response) => response.prelude.statusCode === 429)?.prelude.headers,
    ).toMatchObject({ 'RateLimit-Policy': '"streams";q=4', 'Retry-After': '5' });
  });

  it("does not count a stream whose answer failed before it started among the day's streams", async () => {
    const tenantLimiter = limiter(1_000);
    const handler = createStreamHandler({
      ...testHttpOptions(TENANTS, { maxBodyBytes: 10_000 }),
      limits: tenantLimiter,
      answerQuestion: {
        // biome-ignore lint/correctness/useYield: an answer that fails before its start
        stream: async function* () {
          throw new Error('retrieval failed');
        },
      },
    });

    const refused = invokeStreaming(handler, post(), lambdaContext());
    await refused.done;

    const usage = await new ReadUsage({
      meter: tenantLimiter.meter,
      limiter: tenantLimiter,
      clock: new ManualClock('2026-03-01T10:00:37.000Z'),
    }).execute('tenant-a');
    expect(refused.prelude.statusCode).toBe(500);
    expect(usage.today.streams).toBe(0);
  });

  it('frees the slot when a stream ends', async () => {
    const { handler, open } = gatedHandler(1);
    open();
    await invokeStreaming(handler, post(), lambdaContext()).done;

    const next = invokeStreaming(handler, post(), lambdaContext());
    await next.done;

    expect(next.prelude.statusCode).toBe(200);
  });
});

const usageRequest = (key: string) =>
  apiGatewayEvent({
    method: 'GET',
    url: '/v1/usage',
    routeKey: 'GET /v1/usage',
    headers: { authorization: `Bearer ${key}` },
  });

describe('GET /v1/usage', () => {
  it('counts a usage report against the requests per minute: past it, a 429 that reads nothing', async () => {
    // Arrange
    const clock = new ManualClock('2026-03-01T10:00:37.000Z');
    const meter = new InMemoryUsageMeter(clock);
    const tenantLimiter = inMemoryTenantLimiter({
      clock,
      meter,
      defaults: {
        requestsPerMinute: 2,
        tokensPerDay: 1_000,
        concurrentStreams: 2,
        concurrentFollowers: 8,
      },
    });
    let reports = 0;
    const handler = createChatHandler({
      http: testHttpOptions(TENANTS, { limiter: tenantLimiter }),
      answerQuestion: { answer: async () => ({ answer: 'ok' }) as never },
      sessions: new InMemorySessionStore(),
      usage: {
        execute: async (tenantId) => {
          reports += 1;
          return new ReadUsage({ meter, limiter: tenantLimiter, clock }).execute(tenantId);
        },
      },
    });
    await handler(usageRequest('key-a'), lambdaContext());
    await handler(usageRequest('key-a'), lambdaContext());

    // Act
    const refused = await handler(usageRequest('key-a'), lambdaContext());

    // Assert
    expect(refused.statusCode).toBe(429);
    expect(refused.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'Retry-After': '23',
      RateLimit: '"default";r=0;t=23',
    });
    expect(reports).toBe(2);
  });

  it("reports the caller's tenant's limits, today's counts and the last 30 days", async () => {
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const meter = new InMemoryUsageMeter(clock);
    const tenantLimiter = inMemoryTenantLimiter({
      clock,
      meter,
      defaults: {
        requestsPerMinute: 10,
        tokensPerDay: 1_000,
        concurrentStreams: 2,
        concurrentFollowers: 8,
      },
    });
    const handler = createChatHandler({
      http: testHttpOptions(TENANTS, { limiter: tenantLimiter }),
      answerQuestion: { answer: async () => ({ answer: 'ok' }) as never },
      sessions: new InMemorySessionStore(),
      usage: new ReadUsage({ meter, limiter: tenantLimiter, clock }),
    });
    await handler(chat('key-a'), lambdaContext());
    await tenantLimiter.recordTokens('tenant-a', tokenUsage(200, 100));
    await tenantLimiter.recordTokens('tenant-b', tokenUsage(600, 300));
    const release = await tenantLimiter.openStream(
      'tenant-a',
      new Date('2026-03-01T10:05:00.000Z'),
    );
    await release();
    await new IndexingUsage(meter).record('tenant-a', {
      documents: 1,
      chunks: 4,
      embeddingTokens: 50,
    });

    const result = await handler(
      apiGatewayEvent({
        method: 'GET',
        url: '/v1/usage',
        routeKey: 'GET /v1/usage',
        headers: { authorization: 'Bearer key-a' },
      }),
      lambdaContext(),
    );

    const report = JSON.parse(result.body as string);
    expect(result.statusCode).toBe(200);
    expect(report.limits).toEqual({
      requestsPerMinute: 10,
      tokensPerDay: 1_000,
      concurrentStreams: 2,
      concurrentFollowers: 8,
    });
    expect(report.today).toEqual({
      date: '2026-03-01',
      requests: 2,
      tokens: 300,
      promptTokens: 200,
      completionTokens: 100,
      embeddingTokens: 50,
      streams: 1,
      documents: 1,
      chunks: 4,
      tokensRemaining: 700,
    });
    expect(report.days).toHaveLength(30);
    expect(report.days[29]).toEqual({
      date: '2026-01-31',
      requests: 0,
      tokens: 0,
      promptTokens: 0,
      completionTokens: 0,
      embeddingTokens: 0,
      streams: 0,
      documents: 0,
      chunks: 0,
    });
  });
});
