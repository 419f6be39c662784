import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSessionStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-session-store.js';
import { DynamoDbStreamLog } from '../../../../lambdas/adapters/dynamodb/dynamodb-stream-log.js';
import type { UiMessagePart } from '../../../../lambdas/core/chat/ui-message-stream.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';

const delta = (text: string): UiMessagePart => ({ type: 'text-delta', id: 't', delta: text });

describe('DynamoDbStreamLog', () => {
  let db: DynaliteHandle;
  let log: DynamoDbStreamLog;
  const clock = new ManualClock();

  beforeAll(async () => {
    db = await startDynalite();
    log = new DynamoDbStreamLog(db.documentClient, {
      tableName: db.tableName,
      clock,
      ttlSeconds: 600,
    });
  });
  afterAll(() => db.close());

  it('reads back the batches of a stream in order, from a given sequence number on', async () => {
    await log.begin('t1', 'chat-order', { streamId: 's1', deadlineAt: 1, requestedAt: 0 });
    for (const seq of [0, 1, 2]) {
      await log.append('t1', 'chat-order', 's1', {
        seq,
        parts: [delta(`d${seq}`)],
        final: seq === 2,
      });
    }

    const batches = await log.read('t1', 'chat-order', 's1', 1);

    expect(batches).toEqual([
      { seq: 1, parts: [delta('d1')], final: false },
      { seq: 2, parts: [delta('d2')], final: true },
    ]);
  });

  it("keeps one tenant's stream invisible to another with the same chat id", async () => {
    await log.begin('t1', 'chat-shared', { streamId: 's1', deadlineAt: 1, requestedAt: 0 });
    await log.append('t1', 'chat-shared', 's1', { seq: 0, parts: [delta('secret')], final: false });

    expect(await log.active('t2', 'chat-shared', { consistent: true })).toBeUndefined();
    expect(await log.read('t2', 'chat-shared', 's1', 0)).toEqual([]);
    expect(await log.requestStop('t2', 'chat-shared', { staleBefore: 0, requestedAt: 9 })).toBe(
      'pending',
    );
    expect(await log.active('t1', 'chat-shared', { consistent: true })).toMatchObject({
      stopRequested: false,
    });
  });

  it('flags the active stream to stop', async () => {
    await log.begin('t1', 'chat-stop', { streamId: 's1', deadlineAt: 5, requestedAt: 0 });

    const outcome = await log.requestStop('t1', 'chat-stop', { staleBefore: 0, requestedAt: 9 });

    expect(outcome).toBe('running');
    expect(await log.active('t1', 'chat-stop', { consistent: true })).toEqual({
      streamId: 's1',
      deadlineAt: 5,
      stopRequested: true,
    });
  });

  it('keeps a stop that finds no stream for the stream whose request came before it', async () => {
    const outcome = await log.requestStop('t1', 'chat-early', { staleBefore: 0, requestedAt: 20 });

    const begun = await log.begin('t1', 'chat-early', {
      streamId: 's1',
      deadlineAt: 5,
      requestedAt: 10,
    });

    expect(outcome).toBe('pending');
    expect(begun).toEqual({ stopRequested: true });
    expect(await log.active('t1', 'chat-early', { consistent: true })).toMatchObject({
      streamId: 's1',
    });
  });

  it('keeps no stop for a stream whose request came after it', async () => {
    await log.requestStop('t1', 'chat-later', { staleBefore: 0, requestedAt: 20 });

    const begun = await log.begin('t1', 'chat-later', {
      streamId: 's1',
      deadlineAt: 5,
      requestedAt: 21,
    });

    expect(begun).toEqual({ stopRequested: false });
  });

  it('keeps the stop for an earlier stream that begins after a later one', async () => {
    await log.requestStop('t1', 'chat-order', { staleBefore: 0, requestedAt: 20 });
    const later = await log.begin('t1', 'chat-order', {
      streamId: 'later',
      deadlineAt: 5,
      requestedAt: 30,
    });

    const earlier = await log.begin('t1', 'chat-order', {
      streamId: 'earlier',
      deadlineAt: 5,
      requestedAt: 10,
    });

    expect(later).toEqual({ stopRequested: false });
    expect(earlier).toEqual({ stopRequested: true });
  });

  it('keeps the stop past the end of a stream, for one still being prepared', async () => {
    await log.requestStop('t1', 'chat-ended', { staleBefore: 0, requestedAt: 20 });
    await log.begin('t1', 'chat-ended', { streamId: 'fast', deadlineAt: 5, requestedAt: 30 });
    await log.end('t1', 'chat-ended', 'fast');

    const slow = await log.begin('t1', 'chat-ended', {
      streamId: 'slow',
      deadlineAt: 5,
      requestedAt: 10,
    });

    expect(await log.active('t1', 'chat-ended', { consistent: true })).toMatchObject({
      streamId: 'slow',
    });
    expect(slow).toEqual({ stopRequested: true });
  });

  it('keeps the later of two stops when the earlier one is written last (no stream yet)', async () => {
    await log.requestStop('t1', 'chat-late-stop', { staleBefore: 0, requestedAt: 20 });
    await log.requestStop('t1', 'chat-late-stop', { staleBefore: 0, requestedAt: 10 });

    const begun = await log.begin('t1', 'chat-late-stop', {
      streamId: 's1',
      deadlineAt: 5,
      requestedAt: 15,
    });

    expect(begun).toEqual({ stopRequested: true });
  });

  it('keeps the later of two stops when the earlier one flags a running stream last', async () => {
    await log.requestStop('t1', 'chat-late-running', { staleBefore: 0, requestedAt: 20 });
    await log.begin('t1', 'chat-late-running', {
      streamId: 'fast',
      deadlineAt: 5,
      requestedAt: 30,
    });
    const outcome = await log.requestStop('t1', 'chat-late-running', {
      staleBefore: 0,
      requestedAt: 10,
    });
    await log.end('t1', 'chat-late-running', 'fast');

    const slow = await log.begin('t1', 'chat-late-running', {
      streamId: 'slow',
      deadlineAt: 5,
      requestedAt: 15,
    });

    expect(outcome).toBe('running');
    expect(await log.active('t1', 'chat-late-running', { consistent: true })).toMatchObject({
      streamId: 'slow',
    });
    expect(slow).toEqual({ stopRequested: true });
  });

  it('takes a marker past staleBefore for none: the stop is kept, the marker not flagged', async () => {
    await log.begin('t1', 'chat-stale', { streamId: 'gone', deadlineAt: 5, requestedAt: 0 });

    const outcome = await log.requestStop('t1', 'chat-stale', { staleBefore: 6, requestedAt: 9 });

    expect(outcome).toBe('pending');
    expect(await log.active('t1', 'chat-stale', { consistent: true })).toBeUndefined();
  });

  it('clears the active stream only for the stream that owns it', async () => {
    await log.begin('t1', 'chat-end', { streamId: 'old', deadlineAt: 1, requestedAt: 0 });
    await log.begin('t1', 'chat-end', { streamId: 'new', deadlineAt: 1, requestedAt: 0 });

    await log.end('t1', 'chat-end', 'old');
    const afterOld = await log.active('t1', 'chat-end', { consistent: true });
    await log.end('t1', 'chat-end', 'new');

    expect(afterOld?.streamId).toBe('new');
    expect(await log.active('t1', 'chat-end', { consistent: true })).toBeUndefined();
  });

  it('gives every item an expiry ttlSeconds after it is written', async () => {
    await log.begin('t1', 'chat-ttl', { streamId: 's1', deadlineAt: 1, requestedAt: 0 });
    await log.append('t1', 'chat-ttl', 's1', { seq: 0, parts: [delta('x')], final: true });
    const { Items } = await db.documentClient.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'TENANT#t1#SESSION#chat-ttl' },
      }),
    );

    const expected = Math.floor(clock.now().getTime() / 1000) + 600;
    expect(Items?.map((item) => item.expiresAt)).toEqual([expected, expected]);
  });

  it('leaves the messages of the session alone, and goes with it when the session is deleted', async () => {
    const sessions = new DynamoDbSessionStore(db.documentClient, {
      tableName: db.tableName,
      clock,
      ttlDays: 1,
    });
    const at = clock.now().toISOString();
    await sessions.appendTurn('t1', 'chat-del', {
      user: { id: 'u', role: 'user', content: 'q', createdAt: at },
      assistant: { id: 'a', role: 'assistant', content: 'a', createdAt: at },
    });
    await log.begin('t1', 'chat-del', { streamId: 's1', deadlineAt: 1, requestedAt: 0 });
    await log.append('t1', 'chat-del', 's1', { seq: 0, parts: [delta('x')], final: false });

    const messages = await sessions.getMessages('t1', 'chat-del', { limit: 10 });
    await sessions.delete('t1', 'chat-del');

    expect(messages?.items.map((message) => message.id)).toEqual(['a', 'u']);
    expect(await log.active('t1', 'chat-del', { consistent: true })).toBeUndefined();
    expect(await log.read('t1', 'chat-del', 's1', 0)).toEqual([]);
  });

  describe('answers being prepared', () => {
    it('notes each answer being prepared, and clears one as its stream begins', async () => {
      // Arrange
      await log.prepare('t1', 'chat-prep', { preparationId: 'p1', deadlineAt: 50 });
      await log.prepare('t1', 'chat-prep', { preparationId: 'p2', deadlineAt: 60 });
      const before = await log.view('t1', 'chat-prep');

      // Act
      await log.begin('t1', 'chat-prep', {
        streamId: 's1',
        deadlineAt: 50,
        requestedAt: 0,
        preparationId: 'p1',
      });

      // Assert
      expect(before).toEqual({
        preparing: expect.arrayContaining([
          { preparationId: 'p1', deadlineAt: 50 },
          { preparationId: 'p2', deadlineAt: 60 },
        ]),
      });
      expect(await log.view('t1', 'chat-prep')).toEqual({
        active: { streamId: 's1', deadlineAt: 50, stopRequested: false },
        preparing: [{ preparationId: 'p2', deadlineAt: 60 }],
      });
    });

    it('keeps a stop that comes during a preparation for the stream that then begins', async () => {
      // Arrange
      await log.prepare('t1', 'chat-prep-stop', { preparationId: 'p1', deadlineAt: 50 });

      // Act
      const outcome = await log.requestStop('t1', 'chat-prep-stop', {
        staleBefore: 0,
        requestedAt: 20,
      });
      const begun = await log.begin('t1', 'chat-prep-stop', {
        streamId: 's1',
        deadlineAt: 50,
        requestedAt: 10,
        preparationId: 'p1',
      });

      // Assert
      expect(outcome).toBe('pending');
      expect(begun).toEqual({ stopRequested: true });
      expect((await log.view('t1', 'chat-prep-stop')).preparing).toEqual([]);
    });

    it('reads the stream that ended last in the same view', async () => {
      // Arrange
      await log.prepare('t1', 'chat-prep-end', { preparationId: 'p1', deadlineAt: 50 });
      await log.begin('t1', 'chat-prep-end', {
        streamId: 's1',
        deadlineAt: 50,
        requestedAt: 0,
        preparationId: 'p1',
      });

      // Act
      await log.end('t1', 'chat-prep-end', 's1');

      // Assert
      expect(await log.view('t1', 'chat-prep-end')).toEqual({ preparing: [], lastEnded: 's1' });
    });

    it('clears an abandoned preparation, and writes nothing for a chat without it', async () => {
      // Arrange
      const answer = { preparationId: 'p1', deadlineAt: 50 };
      await log.prepare('t1', 'chat-prep-abandon', answer);

      // Act
      await log.abandon('t1', 'chat-prep-abandon', answer);
      await log.abandon('t1', 'chat-prep-none', answer);

      // Assert
      expect(await log.view('t1', 'chat-prep-abandon')).toEqual({ preparing: [] });
      const { Items } = await db.documentClient.send(
        new QueryCommand({
          TableName: db.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'TENANT#t1#SESSION#chat-prep-none' },
        }),
      );
      expect(Items).toEqual([]);
    });
  });
});
