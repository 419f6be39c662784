import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSessionStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-session-store.js';
import { encodeCursor } from '../../../../lambdas/adapters/dynamodb/page-cursor.js';
import type { StoredMessage, Turn } from '../../../../lambdas/core/ports/session-store.js';
import { HttpProblem } from '../../../../lambdas/core/problem.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';

let counter = 0;
const message = (
  role: StoredMessage['role'],
  content: string,
  createdAt: string,
): StoredMessage => {
  counter += 1;
  return { id: `m${String(counter).padStart(5, '0')}`, role, content, createdAt };
};
const turn = (question: string, at = new Date().toISOString()): Turn => ({
  user: message('user', question, at),
  assistant: { ...message('assistant', `answer to ${question}`, at), model: 'test' },
});

describe('DynamoDbSessionStore', () => {
  let db: DynaliteHandle;
  let clock: ManualClock;
  let store: DynamoDbSessionStore;

  beforeAll(async () => {
    db = await startDynalite();
    clock = new ManualClock('2026-03-01T00:00:00.000Z');
    store = new DynamoDbSessionStore(db.documentClient, {
      tableName: db.tableName,
      clock,
      ttlDays: 30,
    });
  });
  afterAll(() => db.close());

  it('stores a turn as two message items, newest first when read', async () => {
    await store.appendTurn('t1', 's-read', turn('first', '2026-03-01T00:00:00.000Z'));
    await store.appendTurn('t1', 's-read', turn('second', '2026-03-01T00:01:00.000Z'));

    const page = await store.getMessages('t1', 's-read', { limit: 10 });

    expect(page?.items.map((m) => m.content)).toEqual([
      'answer to second',
      'second',
      'answer to first',
      'first',
    ]);
  });

  it('keeps all 100 messages of 50 concurrent turns on one session', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        store.appendTurn('t1', 's-concurrent', turn(`q${index}`)),
      ),
    );

    const all: StoredMessage[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.getMessages('t1', 's-concurrent', {
        limit: 30,
        ...(cursor ? { cursor } : {}),
      });
      all.push(...(page?.items ?? []));
      cursor = page?.nextCursor;
    } while (cursor);
    const summary = (await store.list('t1', { limit: 50 })).items.find(
      (s) => s.sessionId === 's-concurrent',
    );

    expect(all).toHaveLength(100);
    expect(new Set(all.map((m) => m.id)).size).toBe(100);
    expect(summary?.messageCount).toBe(100);
  });

  it('keeps each answer right after its question when two turns of a session overlap', async () => {
    const first = turn('A', '2026-03-01T00:00:01.000Z');
    const second = turn('B', '2026-03-01T00:00:02.000Z');
    // B's answer is stored first, then A's, which took longer.
    await store.appendTurn('t1', 's-overlap', second);
    await store.appendTurn('t1', 's-overlap', {
      ...first,
      assistant: { ...first.assistant, createdAt: '2026-03-01T00:00:09.000Z' },
    });

    const page = await store.getMessages('t1', 's-overlap', { limit: 10 });

    expect(page?.items.map((m) => m.content).reverse()).toEqual([
      'A',
      'answer to A',
      'B',
      'answer to B',
    ]);
  });

  it('puts a regenerated answer in place of the last one, keeping its question', async () => {
    const asked = turn('Q', '2026-03-01T00:00:01.000Z');
    await store.appendTurn('t1', 's-regen', asked);
    const again = { ...asked.assistant, id: 'm-regenerated', content: 'better answer' };

    const replaced = await store.replaceLastAnswer('t1', 's-regen', {
      replaces: asked.assistant.id,
      assistant: again,
    });

    const page = await store.getMessages('t1', 's-regen', { limit: 10 });
    expect(replaced).toBe(true);
    expect(page?.items.map((m) => m.content).reverse()).toEqual(['Q', 'better answer']);
    const [summary] = (await store.list('t1', { limit: 50 })).items.filter(
      (s) => s.sessionId === 's-regen',
    );
    expect(summary?.messageCount).toBe(2);
  });

  it('replaces nothing when the last message is not the answer named', async () => {
    await store.appendTurn('t1', 's-moved', turn('Q1', '2026-03-01T00:00:01.000Z'));
    const later = turn('Q2', '2026-03-01T00:00:02.000Z');
    await store.appendTurn('t1', 's-moved', later);

    const replaced = await store.replaceLastAnswer('t1', 's-moved', {
      replaces: 'not-the-last',
      assistant: { ...later.assistant, id: 'm-x', content: 'lost' },
    });

    expect(replaced).toBe(false);
    const page = await store.getMessages('t1', 's-moved', { limit: 10 });
    expect(page?.items[0]?.content).toBe('answer to Q2');
  });

  it('pages through messages with an opaque cursor', async () => {
    for (let index = 0; index < 5; index += 1) {
      await store.appendTurn('t1', 's-pages', turn(`p${index}`, `2026-03-01T00:0${index}:00.000Z`));
    }

    const first = await store.getMessages('t1', 's-pages', { limit: 4 });
    const second = await store.getMessages('t1', 's-pages', {
      limit: 4,
      ...(first?.nextCursor ? { cursor: first.nextCursor } : {}),
    });

    expect(first?.items).toHaveLength(4);
    expect(first?.nextCursor).toBeDefined();
    expect(second?.items[0]?.content).toBe('answer to p2');
  });

  it('lists sessions by last activity, newest first', async () => {
    clock.advance(60_000);
    await store.appendTurn('t-list', 'older', turn('a'));
    clock.advance(60_000);
    await store.appendTurn('t-list', 'newer', turn('b'));

    const page = await store.list('t-list', { limit: 10 });

    expect(page.items.map((s) => s.sessionId)).toEqual(['newer', 'older']);
    expect(page.items[0]).toMatchObject({ title: 'b', messageCount: 2 });
  });

  it('titles a session with its first question, cut without splitting an emoji', async () => {
    await store.appendTurn('t-title', 's-emoji', turn(`a${'😀'.repeat(60)}`));

    const [summary] = (await store.list('t-title', { limit: 10 })).items;

    expect(summary?.title).toBe(`a${'😀'.repeat(39)}`);
  });

  it('refreshes the session TTL on each turn', async () => {
    await store.appendTurn('t1', 's-ttl', turn('one'));
    clock.advance(86_400_000);
    await store.appendTurn('t1', 's-ttl', turn('two'));

    const { Item } = await db.documentClient.send(
      new GetCommand({
        TableName: db.tableName,
        Key: { pk: 'TENANT#t1#SESSION#s-ttl', sk: 'SESSION' },
      }),
    );

    expect(Item?.expiresAt).toBe(Math.floor(clock.now().getTime() / 1000) + 30 * 86_400);
  });

  it("never shows one tenant another tenant's session", async () => {
    await store.appendTurn('tenant-a', 'shared-id', turn('secret of a'));

    expect(await store.getMessages('tenant-b', 'shared-id', { limit: 10 })).toBeUndefined();
    expect(await store.exists('tenant-b', 'shared-id')).toBe(false);
    expect(await store.delete('tenant-b', 'shared-id')).toBe(false);
    expect((await store.list('tenant-b', { limit: 10 })).items).toEqual([]);
    expect(await store.exists('tenant-a', 'shared-id')).toBe(true);
  });

  it("refuses a cursor that points into another tenant's partition", async () => {
    const forged = encodeCursor({ pk: 'TENANT#tenant-a#SESSION#shared-id', sk: 'MSG#9' });

    const error = await store
      .getMessages('tenant-b', 'x', { limit: 10, ...(forged ? { cursor: forged } : {}) })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(HttpProblem);
    expect((error as HttpProblem).status).toBe(400);
  });

  it('deletes a session and every message in it', async () => {
    await store.appendTurn('t-del', 's-del', turn('bye'));

    const deleted = await store.delete('t-del', 's-del');

    expect(deleted).toBe(true);
    expect(await store.getMessages('t-del', 's-del', { limit: 10 })).toBeUndefined();
    expect((await store.list('t-del', { limit: 10 })).items).toEqual([]);
  });

  it('does not bring back a session deleted before a turn that continues it is stored', async () => {
    await store.appendTurn('t-gone', 's-gone', turn('first'));
    await store.delete('t-gone', 's-gone');

    const stored = await store.appendTurn('t-gone', 's-gone', turn('second'), {
      continuing: true,
    });

    expect(stored).toBe(false);
    expect(await store.getMessages('t-gone', 's-gone', { limit: 10 })).toBeUndefined();
    expect((await store.list('t-gone', { limit: 10 })).items).toEqual([]);
  });

  it('stores a turn that continues a session still there', async () => {
    await store.appendTurn('t-on', 's-on', turn('first'));

    const stored = await store.appendTurn('t-on', 's-on', turn('second'), { continuing: true });

    expect(stored).toBe(true);
    expect((await store.getMessages('t-on', 's-on', { limit: 10 }))?.items).toHaveLength(4);
  });

  it('counts only the messages not yet expired when a live session is listed', async () => {
    const own = new ManualClock('2026-03-01T00:00:00.000Z');
    const expiring = new DynamoDbSessionStore(db.documentClient, {
      tableName: db.tableName,
      clock: own,
      ttlDays: 30,
    });
    await expiring.appendTurn('t-count', 's-long', turn('early', own.now().toISOString()));
    own.advance(20 * 86_400_000);
    await expiring.appendTurn('t-count', 's-long', turn('late', own.now().toISOString()));
    own.advance(11 * 86_400_000);

    const [summary] = (await expiring.list('t-count', { limit: 10 })).items;

    expect(summary?.messageCount).toBe(2);
  });

  it('leaves out of the history the messages past their expiry while the session lives', async () => {
    const own = new ManualClock('2026-03-01T00:00:00.000Z');
    const expiring = new DynamoDbSessionStore(db.documentClient, {
      tableName: db.tableName,
      clock: own,
      ttlDays: 30,
    });
    await expiring.appendTurn('t-history', 's-long', turn('early', own.now().toISOString()));
    own.advance(20 * 86_400_000);
    await expiring.appendTurn('t-history', 's-long', turn('late', own.now().toISOString()));
    own.advance(11 * 86_400_000);

    const page = await expiring.getMessages('t-history', 's-long', { limit: 10 });

    expect(page?.items.map((m) => m.content)).toEqual(['answer to late', 'late']);
  });

  it('keeps a regenerated answer and its question expiring together', async () => {
    const own = new ManualClock('2026-03-01T00:00:00.000Z');
    const expiring = new DynamoDbSessionStore(db.documentClient, {
      tableName: db.tableName,
      clock: own,
      ttlDays: 30,
    });
    const asked = turn('Q', own.now().toISOString());
    await expiring.appendTurn('t-regen-ttl', 's-regen', asked);
    own.advance(20 * 86_400_000);
    await expiring.replaceLastAnswer('t-regen-ttl', 's-regen', {
      replaces: asked.assistant.id,
      assistant: { ...asked.assistant, id: 'm-regenerated-late', content: 'better answer' },
    });
    own.advance(11 * 86_400_000);

    const page = await expiring.getMessages('t-regen-ttl', 's-regen', { limit: 10 });

    expect(page?.items.map((m) => m.content)).toEqual(['better answer', 'Q']);
  });

  it('no longer serves a session past its expiry, before the TTL sweeper has removed it', async () => {
    const own = new ManualClock('2026-03-01T00:00:00.000Z');
    const expiring = new DynamoDbSessionStore(db.documentClient, {
      tableName: db.tableName,
      clock: own,
      ttlDays: 30,
    });
    await expiring.appendTurn('t-expiry', 's-old', turn('stale', own.now().toISOString()));
    own.advance(31 * 86_400_000);

    expect(await expiring.exists('t-expiry', 's-old')).toBe(false);
    expect(await expiring.getMessages('t-expiry', 's-old', { limit: 10 })).toBeUndefined();
    expect((await expiring.list('t-expiry', { limit: 10 })).items).toEqual([]);
  });
});
