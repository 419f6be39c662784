import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSessionStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-session-store.js';
import type { StoredMessage, Turn } from '../../../../lambdas/core/ports/session-store.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';

const DAY = 86_400_000;
let counter = 0;
const message = (
  role: StoredMessage['role'],
  content: string,
  createdAt: string,
): StoredMessage => {
  counter += 1;
  return { id: `m${String(counter).padStart(5, '0')}`, role, content, createdAt };
};
const turn = (question: string, at: Date): Turn => ({
  user: message('user', question, at.toISOString()),
  assistant: { ...message('assistant', `answer to ${question}`, at.toISOString()), model: 'm' },
});

describe('DynamoDbSessionStore past SESSION_TTL_DAYS', () => {
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

  it('no longer serves a session past its expiry, before the TTL sweeper has removed it', async () => {
    await store.appendTurn('t2', 's-old', turn('stale', clock.now()));
    clock.advance(31 * DAY);

    expect(await store.exists('t2', 's-old')).toBe(false);
    expect(await store.getMessages('t2', 's-old', { limit: 10 })).toBeUndefined();
    expect((await store.list('t2', { limit: 10 })).items).toEqual([]);
  });
});
