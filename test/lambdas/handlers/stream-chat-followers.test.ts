/**
 * A follower (`GET /{chatId}/stream`) polls the table for as long as the answer lasts: each
 * holds one of its tenant's follower slots (`concurrentFollowers`), apart from the writers'
 * stream slots, from its admission until it ends however it ends.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDbStreamLog } from '../../../lambdas/adapters/dynamodb/dynamodb-stream-log.js';
import { DependencyError } from '../../../lambdas/core/dependency-error.js';
import { systemClock } from '../../../lambdas/core/ports/clock.js';
import type { StreamBatch } from '../../../lambdas/core/ports/stream-log.js';
import { createHandler } from '../../../lambdas/handlers/stream-chat.js';
import { type DynaliteHandle, startDynalite } from '../../support/dynalite.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { inMemoryTenantLimiter } from '../../support/in-memory-tenant-limiter.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { parts, request, setup } from '../../support/stream-chat-harness.js';
import {
  type ClientRead,
  invokeStreaming,
  type StreamedResponse,
} from '../../support/streaming-invoke.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.close());

/** A limiter with room for `concurrentFollowers` followers and plenty of everything else. */
const limiterWith = (concurrentFollowers: number, requestsPerMinute = 1_000) =>
  inMemoryTenantLimiter({
    clock: systemClock,
    defaults: {
      requestsPerMinute,
      tokensPerDay: 1_000_000,
      concurrentStreams: 10,
      concurrentFollowers,
    },
  });

/** A stream log whose reads of recorded parts fail, as when DynamoDB goes away mid-follow. */
class UnreadableStreamLog extends DynamoDbStreamLog {
  override async read(): Promise<StreamBatch[]> {
    throw new DependencyError('dynamodb', 'unavailable', 'the table did not answer');
  }
}

const resume = (chatId: string) => request('GET', `/${chatId}/stream`);
const ask = (chatId: string) => request('POST', '/', { sessionId: chatId, message: 'Hi' });
const deltaReads = (reads: ClientRead[]) =>
  reads.filter((read) => read.text.includes('"text-delta"')).length;
/** Waits until the response's head went out (an answer streaming, a follower following). */
const following = (response: StreamedResponse) =>
  vi.waitFor(() => expect(response.prelude.statusCode).toBe(200), { timeout: 2_000 });

describe('followers of a streaming answer under the tenant follower limit', () => {
  it('refuses a follower past the limit with a 429 problem and Retry-After while the others follow to the end', async () => {
    // Arrange: an answer streaming, followed by the tenant's two followers.
    const { a, b, chatId } = setup(db, { tokenIntervalMs: 40, extra: { limits: limiterWith(2) } });
    const writer = invokeStreaming(a, ask(chatId), lambdaContext());
    await following(writer);
    const followers = [
      invokeStreaming(b, resume(chatId), lambdaContext()),
      invokeStreaming(a, resume(chatId), lambdaContext()),
    ];
    await Promise.all(followers.map(following));

    // Act
    const refused = invokeStreaming(b, resume(chatId), lambdaContext());
    await Promise.all([writer.done, refused.done, ...followers.map((reader) => reader.done)]);

    // Assert
    expect(refused.prelude.statusCode).toBe(429);
    expect(refused.prelude.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'Retry-After': '5',
      'RateLimit-Policy': '"followers";q=2',
    });
    expect(JSON.parse(refused.body)).toMatchObject({ status: 429 });
    expect(followers.map((reader) => parts(reader.body).at(-1)?.type)).toEqual([
      'finish',
      'finish',
    ]);
    expect(parts(writer.body).at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it("frees a follower's slot when its client goes away", async () => {
    // Arrange: the tenant's one follower holds its slot (a second is refused), then leaves.
    const { a, b, chatId } = setup(db, { tokenIntervalMs: 50, extra: { limits: limiterWith(1) } });
    const writer = invokeStreaming(a, ask(chatId), lambdaContext());
    await following(writer);
    const leaving = invokeStreaming(b, resume(chatId), lambdaContext(), {
      closeAfterReads: (reads) => deltaReads(reads) === 2,
    });
    await following(leaving);
    const whileHeld = invokeStreaming(a, resume(chatId), lambdaContext());
    await Promise.all([leaving.done, whileHeld.done]);

    // Act
    const next = invokeStreaming(a, resume(chatId), lambdaContext());
    await Promise.all([writer.done, next.done]);

    // Assert
    expect(whileHeld.prelude.statusCode).toBe(429);
    expect(next.prelude.statusCode).toBe(200);
    expect(parts(next.body).at(-1)).toMatchObject({ type: 'finish' });
  });

  it('leaves no slot held by a follower that failed: the limit admits as many followers after it', async () => {
    // Arrange: the tenant's one follower, on an instance whose reads of the log fail.
    const limits = limiterWith(1);
    const { a, b, chatId, answerQuestion, sessions } = setup(db, {
      tokenIntervalMs: 50,
      extra: { limits },
    });
    const log = new UnreadableStreamLog(db.documentClient, {
      tableName: db.tableName,
      clock: systemClock,
      ttlSeconds: 600,
    });
    const unreadable = createHandler({
      ...testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 }),
      answerQuestion,
      resumable: { log, preparations: log, sessions },
      limits,
    });
    const writer = invokeStreaming(a, ask(chatId), lambdaContext());
    await following(writer);
    const failed = invokeStreaming(unreadable, resume(chatId), lambdaContext());
    await failed.done;

    // Act
    const admitted = invokeStreaming(b, resume(chatId), lambdaContext());
    await following(admitted);
    const past = invokeStreaming(a, resume(chatId), lambdaContext());
    await Promise.all([writer.done, admitted.done, past.done]);

    // Assert
    expect(parts(failed.body).at(-1)).toMatchObject({ type: 'error' });
    expect(admitted.prelude.statusCode).toBe(200);
    expect(past.prelude.statusCode).toBe(429);
  });

  it('frees the slot of a resume of an unknown chat, refused with 404', async () => {
    // Arrange: the tenant's one follower slot, taken by a resume of a chat that does not exist.
    const { a } = setup(db, { extra: { limits: limiterWith(1) } });
    const unknown = invokeStreaming(a, resume('no-such-chat'), lambdaContext());
    await unknown.done;

    // Act
    const again = invokeStreaming(a, resume('no-such-chat'), lambdaContext());
    await again.done;

    // Assert
    expect(unknown.prelude.statusCode).toBe(404);
    expect(again.prelude.statusCode).toBe(404);
  });

  it('frees the slot of a resume that comes after its answer ended, answered 204', async () => {
    // Arrange: an answer that ended, then a resume that finds nothing to follow.
    const { a, b, chatId } = setup(db, { extra: { limits: limiterWith(1) } });
    await invokeStreaming(a, ask(chatId), lambdaContext()).done;
    const late = invokeStreaming(b, resume(chatId), lambdaContext());
    await late.done;

    // Act
    const again = invokeStreaming(a, resume(chatId), lambdaContext());
    await again.done;

    // Assert
    expect(late.prelude.statusCode).toBe(204);
    expect(again.prelude.statusCode).toBe(204);
  });

  it('counts a resume against the tenant requests per minute', async () => {
    // Arrange: one request a minute, spent on a first resume.
    const { a, chatId } = setup(db, { extra: { limits: limiterWith(10, 1) } });
    await invokeStreaming(a, resume(chatId), lambdaContext()).done;

    // Act
    const refused = invokeStreaming(a, resume(chatId), lambdaContext());
    await refused.done;

    // Assert
    expect(refused.prelude.statusCode).toBe(429);
    expect(refused.prelude.headers).toMatchObject({ 'RateLimit-Policy': '"default";q=1;w=60' });
  });
});
