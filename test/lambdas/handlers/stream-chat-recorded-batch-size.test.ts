import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStreamLog } from '../../../lambdas/adapters/dynamodb/dynamodb-stream-log.js';
import { followStream } from '../../../lambdas/core/chat/follow-stream.js';
import { StreamRecorder } from '../../../lambdas/core/chat/stream-recorder.js';
import { sourcePart, type UiMessagePart } from '../../../lambdas/core/chat/ui-message-stream.js';
import { systemClock } from '../../../lambdas/core/ports/clock.js';
import { type DynaliteHandle, startDynalite } from '../../support/dynalite.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { parts, request, setup, sleep } from '../../support/stream-chat-harness.js';
import { invokeStreaming } from '../../support/streaming-invoke.js';

const collect = async (all: AsyncIterable<UiMessagePart>) => {
  const got: UiMessagePart[] = [];
  for await (const part of all) got.push(part);
  return got;
};

describe('recorded batches of a resumable answer, whatever its size', () => {
  let db: DynaliteHandle;
  let log: DynamoDbStreamLog;

  beforeAll(async () => {
    db = await startDynalite();
    log = new DynamoDbStreamLog(db.documentClient, {
      tableName: db.tableName,
      clock: systemClock,
      ttlSeconds: 600,
    });
  });
  afterAll(() => db.close());

  it('replays to a reconnecting client an answer whose first tokens are 200 KB each', async () => {
    // Arrange: two tokens of 210 000 characters, 60 ms apart: both fall in one 150 ms batch.
    const { a, b, model, chatId } = setup(db, { tokenIntervalMs: 60 });
    model.reply(`${'a'.repeat(210_000)} ${'b'.repeat(210_000)} w2 w3 w4 w5 w6 w7 w8 w9`);

    // Act: the writer streams; a reader reconnects on another instance mid-answer.
    const writer = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    );
    await sleep(40);
    const reader = invokeStreaming(b, request('GET', `/${chatId}/stream`), lambdaContext());
    await Promise.all([writer.done, reader.done]);

    // Assert: the live answer is whole, and the reader gets the same parts and the same text
    // (a long delta may be replayed in pieces of the same id, which the client joins).
    expect(parts(writer.body).at(-1)).toMatchObject({ type: 'finish' });
    expect(reader.prelude.statusCode).toBe(200);
    const kinds = (body: string) =>
      parts(body)
        .map((part) => part.type)
        .filter((type, index, all) => type !== 'text-delta' || all[index - 1] !== 'text-delta');
    const text = (body: string) =>
      parts(body)
        .map((part) => part.delta ?? '')
        .join('');
    expect(kinds(reader.body)).toEqual(kinds(writer.body));
    expect(text(reader.body)).toBe(text(writer.body));
  });

  it('stores no batch over 400 KB in UTF-8 for a non-ASCII token (as DynamoDB counts it)', async () => {
    // Arrange: one token of 140 000 CJK characters: 140 000 UTF-16 units, 420 000 UTF-8 bytes.
    // (dynalite measures a string by its UTF-16 length, so it accepts what DynamoDB refuses.)
    const recorded = {
      tenantId: 'tenant-a',
      chatId: 'chat-cjk-token',
      streamId: 'stream-cjk-token',
      deadlineAt: Date.now() + 30_000,
      requestedAt: Date.now(),
    };
    const recorder = await StreamRecorder.begin(log, recorded, { onStop: () => {} });

    // Act
    recorder.add({
      type: 'start',
      messageId: recorded.streamId,
      messageMetadata: { sessionId: 'c' },
    });
    recorder.add({ type: 'text-start', id: 't' });
    recorder.add({ type: 'text-delta', id: 't', delta: '字'.repeat(140_000) });
    recorder.add({ type: 'finish', finishReason: 'stop', messageMetadata: { sessionId: 'c' } });
    await recorder.close();

    // Assert: every stored item is within DynamoDB's limit (names and values, UTF-8 bytes).
    const { Items = [] } = await db.documentClient.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `TENANT#tenant-a#SESSION#${recorded.chatId}` },
      }),
    );
    expect(Items.length).toBeGreaterThan(0);
    for (const item of Items) {
      const bytes = Object.entries(item).reduce(
        (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(String(value)),
        0,
      );
      expect(bytes).toBeLessThanOrEqual(400 * 1024);
    }
  });

  it('replays an answer citing 10 000 sources', async () => {
    // Arrange: start, one source-document part per source, then the text.
    const recorded = {
      tenantId: 'tenant-a',
      chatId: 'chat-many-sources',
      streamId: 'stream-many-sources',
      deadlineAt: Date.now() + 30_000,
      requestedAt: Date.now(),
    };
    const sent: UiMessagePart[] = [
      { type: 'start', messageId: recorded.streamId, messageMetadata: { sessionId: 'c' } },
      ...Array.from({ length: 10_000 }, (_, index) =>
        sourcePart({
          documentId: `doc-${index}`,
          title: `Document ${index}`,
          chunkIndex: index,
          score: 0.9,
          snippet: 'Declare path parameters with braces, as in /items/{item_id}.',
        }),
      ),
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Hello' },
      { type: 'text-end', id: 't' },
      { type: 'finish', finishReason: 'stop', messageMetadata: { sessionId: 'c' } },
    ];
    const errors: unknown[] = [];
    const recorder = await StreamRecorder.begin(log, recorded, {
      flushIntervalMs: 50,
      onStop: () => {},
      onError: (error) => errors.push(error),
    });

    // Act: the writer sends every part (the sources at once, as answerParts yields them).
    for (const part of sent) recorder.add(part);
    const following = collect(
      followStream(log, {
        tenantId: recorded.tenantId,
        chatId: recorded.chatId,
        stream: {
          streamId: recorded.streamId,
          deadlineAt: recorded.deadlineAt,
          stopRequested: false,
        },
      }),
    );
    await recorder.close();
    const followed = await following;

    // Assert: every write of the recording succeeded, and the follower got every part.
    expect(errors.map(String)).toEqual([]);
    expect(followed.length).toBe(sent.length);
    expect(followed).toEqual(sent);
  });
});
