import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStreamLog } from '../../../lambdas/adapters/dynamodb/dynamodb-stream-log.js';
import { BudgetedAnswers } from '../../../lambdas/core/limits/budgeted-answers.js';
import type { TokenUsage } from '../../../lambdas/core/ports/chat-model.js';
import { systemClock } from '../../../lambdas/core/ports/clock.js';
import { type DynaliteHandle, startDynalite } from '../../support/dynalite.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { inMemoryTenantLimiter } from '../../support/in-memory-tenant-limiter.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { parts, REPLY, request, setup, sleep } from '../../support/stream-chat-harness.js';
import { invokeStreaming } from '../../support/streaming-invoke.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.close());

describe('pending stops racing other requests of the chat', () => {
  it('keeps a pending stop for the answer it was meant for, though a later question begins first', async () => {
    // q1 is slow to prepare (300 ms), q2 fast (0 ms).
    const { a, b, model, chatId } = setup(db, { embedDelays: [300, 0], tokenIntervalMs: 10 });
    const first = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'first' }),
      lambdaContext(),
    );
    await sleep(40);
    // The user stops the first answer while it is prepared: kept as a PendingStop (202).
    const stop = invokeStreaming(b, request('POST', `/${chatId}/stop`), lambdaContext());
    await stop.done;
    expect(stop.prelude.statusCode).toBe(202);
    await sleep(20);
    // ...and asks another question, which is prepared faster than the first.
    const second = invokeStreaming(
      b,
      request('POST', '/', { sessionId: chatId, message: 'second' }),
      lambdaContext(),
    );
    await Promise.all([first.done, second.done]);

    const firstCall = model.calls.find((call) =>
      call.messages.some((message) => message.content.includes('first')),
    );
    // The first answer was stopped before its marker: it must end interrupted, model aborted.
    expect(parts(first.body).at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'interrupted',
    });
    expect(firstCall?.tokens.join('')).not.toBe(REPLY);
  });

  it('does not stop a question with a stop the client sent before it (the stop was slower to be stored)', async () => {
    // The stop's instance is slower (60 ms of authentication) than the question's.
    const { a, b, model, sessions, chatId } = setup(db, {
      embedDelays: [100],
      authDelayB: 60,
      tokenIntervalMs: 5,
    });
    // Client: "stop" (nothing is running any more: the last answer just ended), then a question.
    const stop = invokeStreaming(b, request('POST', `/${chatId}/stop`), lambdaContext());
    await sleep(10);
    const question = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    );
    await Promise.all([stop.done, question.done]);

    expect(stop.prelude.statusCode).toBe(202);
    expect(parts(question.body).at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    expect(model.calls.at(-1)?.aborted).toBe(false);
    // The user's question must not vanish.
    expect(sessions.messagesOf('tenant-a', chatId)).toHaveLength(2);
  });
});

describe('a pending stop left by a stop that came just after an answer ended', () => {
  it('does not stop the next question, asked after the stop, when the stop instance clock runs 500 ms ahead', async () => {
    const { a, b, model, sessions, chatId } = setup(db, {
      tokenIntervalMs: 0,
      logClockB: { now: () => new Date(Date.now() + 500) },
    });
    await invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'one' }),
      lambdaContext(),
    ).done;
    // The user's stop lands just after the answer ended: kept as a PendingStop.
    const stop = invokeStreaming(b, request('POST', `/${chatId}/stop`), lambdaContext());
    await stop.done;
    expect(stop.prelude.statusCode).toBe(202);
    await sleep(100);
    const next = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'two' }),
      lambdaContext(),
    );
    await next.done;

    expect(parts(next.body).at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    expect(model.calls.at(-1)?.aborted).toBe(false);
    expect(sessions.messagesOf('tenant-a', chatId)).toHaveLength(4);
  });
});

/**
 * The stop route answers 202 and promises the stop is "kept for it until it begins" for an
 * answer still being prepared. But the answer's `requestedAt` is taken inside the handler body,
 * after the middleware (authentication, rate limiting) and after a cold start, so a stop that
 * arrives in that window is older than `requestedAt` and is silently dropped.
 */
describe('a stop sent while the answer request is still in its middleware (auth / cold start)', () => {
  it('stops the answer (the stop came after the question reached the function URL)', async () => {
    // Authentication of the question takes 150 ms (API key lookup, cold start...).
    const { a, b, model, sessions, chatId } = setup(db, { authDelayA: 150 });
    const writer = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    );
    await sleep(40);
    const stop = invokeStreaming(b, request('POST', `/${chatId}/stop`), lambdaContext());
    await Promise.all([writer.done, stop.done]);

    expect(stop.prelude.statusCode).toBe(202);
    // The stop was accepted (202) after the question was sent: the answer must be stopped.
    expect(parts(writer.body).at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'interrupted',
    });
    expect(model.calls.at(-1)?.tokens.length).toBeLessThan(20);
    expect(sessions.messagesOf('tenant-a', chatId)).toEqual([]);
  });
});

/**
 * A stop that finds no answer writes the chat's `STREAM` item all the same (a stop that
 * overtakes its question still wins): any key could write items for any chat id at will. It is
 * counted against the requests per minute; a stop of an answer streaming or prepared never is.
 */
describe('stops under the requests-per-minute limit', () => {
  const oneRequestAMinute = () => {
    const clock = new ManualClock('2026-03-01T10:00:37.000Z');
    return inMemoryTenantLimiter({
      clock,
      defaults: {
        requestsPerMinute: 1,
        tokensPerDay: 1_000_000,
        concurrentStreams: 10,
        concurrentFollowers: 8,
      },
    });
  };
  const logOf = () =>
    new DynamoDbStreamLog(db.documentClient, {
      tableName: db.tableName,
      clock: systemClock,
      ttlSeconds: 600,
    });

  it('counts a stop that finds no answer, and past the limit refuses it (429) keeping nothing', async () => {
    // Arrange: the minute's one request spent on a stop of a chat with nothing running.
    const { b, chatId } = setup(db, { extra: { limits: oneRequestAMinute() } });
    const first = invokeStreaming(b, request('POST', `/${chatId}/stop`), lambdaContext());
    await first.done;

    // Act
    const other = `${chatId}-other`;
    const refused = invokeStreaming(b, request('POST', `/${other}/stop`), lambdaContext());
    await refused.done;

    // Assert
    expect(first.prelude.statusCode).toBe(202);
    expect(first.prelude.headers).toMatchObject({ RateLimit: '"default";r=0;t=23' });
    expect(refused.prelude.statusCode).toBe(429);
    expect(refused.prelude.headers).toMatchObject({ 'Retry-After': '23' });
    expect(await logOf().stopRequestedAt('tenant-a', other)).toBeUndefined();
  });

  it('accepts past the limit a stop of a streaming answer, uncounted', async () => {
    // Arrange: the minute's one request spent on the question.
    const { a, b, chatId } = setup(db, {
      tokenIntervalMs: 20,
      extra: { limits: oneRequestAMinute() },
    });
    const writer = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    );
    await sleep(120);

    // Act
    const stop = invokeStreaming(b, request('POST', `/${chatId}/stop`), lambdaContext());
    await Promise.all([writer.done, stop.done]);

    // Assert
    expect(stop.prelude.statusCode).toBe(202);
    expect(stop.prelude.headers).not.toHaveProperty('RateLimit');
    expect(parts(writer.body).at(-1)).toMatchObject({ finishReason: 'interrupted' });
  });

  it('accepts past the limit a stop of an answer still being prepared, uncounted', async () => {
    // Arrange: the question takes the minute's one request and is prepared for 300 ms.
    const { a, b, model, chatId } = setup(db, {
      embedDelays: [300],
      extra: { limits: oneRequestAMinute() },
    });
    const writer = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    );
    await sleep(60);

    // Act
    const stop = invokeStreaming(b, request('POST', `/${chatId}/stop`), lambdaContext());
    await Promise.all([writer.done, stop.done]);

    // Assert
    expect(stop.prelude.statusCode).toBe(202);
    expect(parts(writer.body).at(-1)).toMatchObject({ finishReason: 'interrupted' });
    expect(model.calls.at(-1)?.options.signal?.aborted).toBe(true);
  });
});

describe('failures before the first byte of the stream', () => {
  it('answers 504 (documented) when the time budget runs out while the answer is prepared', async () => {
    // The budget (timeout - budgetMarginMs) is 200 ms; preparation takes 500 ms.
    const { a, chatId } = setup(db, {
      embedDelays: [500],
      extra: { budgetMarginMs: 100 },
    });
    const response = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext({ timeoutMs: 300 }),
    );
    await response.done;

    expect(response.prelude.statusCode).toBe(504);
  });

  it('answers 503 to a stop when DynamoDB is unreachable (not 500, not 202)', async () => {
    const { b, chatId } = setup(db);
    await db.stop();
    try {
      const stop = invokeStreaming(b, request('POST', `/${chatId}/stop`), lambdaContext());
      await stop.done;
      expect(stop.prelude.statusCode).toBe(503);
    } finally {
      await db.start();
    }
  });
});

/**
 * BudgetedAnswers: "An answer cut before it finishes (stopped, …) is counted too …: stopping
 * answers is no way round the budget." A stop kept while the answer is prepared fires right
 * after the model request has gone out (AnswerQuestion.stream starts the model call before
 * `start`), so the prompt (history + retrieved passages) was sent, but nothing is counted.
 */
describe('an answer stopped by a pending stop, before its first token', () => {
  it('counts the prompt it sent to the model against the token budget', async () => {
    const recorded: TokenUsage[] = [];
    const limiter = {
      checkTokenBudget: async () => ({ tokensUsed: 0, tokensRemaining: 100_000 }),
      recordTokens: async (_tenantId: string, usage: TokenUsage) => {
        recorded.push(usage);
        return { tokensUsed: 0, tokensRemaining: 100_000 };
      },
    };
    const base = setup(db, { embedDelays: [150] });
    const budgeted = new BudgetedAnswers(base.answerQuestion, limiter);
    // Handlers over the budgeted use case (base.model is the model it calls).
    const { a, b, chatId } = setup(db, {
      embedDelays: [150],
      extra: { answerQuestion: budgeted },
    });
    const writer = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    );
    await sleep(30);
    await invokeStreaming(b, request('POST', `/${chatId}/stop`), lambdaContext()).done;
    await writer.done;

    expect(parts(writer.body).at(-1)).toMatchObject({ finishReason: 'interrupted' });
    // The model was called (its request went out with the whole prompt) and then aborted.
    expect(base.model.calls).toHaveLength(1);
    expect(base.model.calls[0]?.options.signal?.aborted).toBe(true);
    // ...yet nothing was counted.
    expect(recorded.reduce((sum, usage) => sum + usage.promptTokens, 0)).toBeGreaterThan(0);
  });
});
