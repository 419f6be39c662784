import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSessionStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-session-store.js';
import type { Turn } from '../../../../lambdas/core/ports/session-store.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';

const turn = (id: string, question: string, at: string): Turn => ({
  user: { id: `${id}-q`, role: 'user', content: question, createdAt: at },
  assistant: {
    id: `${id}-a`,
    role: 'assistant',
    content: `answer to ${question}`,
    createdAt: at,
    model: 'test',
  },
});

describe('DynamoDbSessionStore.delete racing a turn of the session', () => {
  let db: DynaliteHandle;
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const options = () => ({ tableName: db.tableName, clock, ttlDays: 30 });

  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(() => db.close());

  it('leaves no message of the deleted session behind for a new session of the same id', async () => {
    // Arrange: a session, and an answer to it that is being stored while the session is deleted.
    const store = new DynamoDbSessionStore(db.documentClient, options());
    await store.appendTurn(
      't1',
      'demo-1',
      turn('t0', 'private question', '2026-03-01T00:00:00.000Z'),
    );
    let answerStored: boolean | undefined;
    const deletingClient = db.newDocumentClient();
    deletingClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchWriteItemCommand' && answerStored === undefined) {
          // The turn that continues the session commits between delete's read and its writes.
          answerStored = await store.appendTurn(
            't1',
            'demo-1',
            turn('t1', 'second private question', '2026-03-01T00:00:01.000Z'),
            { continuing: true },
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'turnDuringDelete' },
    );
    const deleting = new DynamoDbSessionStore(deletingClient, options());

    // Act: delete the session, then start a new session with the same id (useChat picks ids).
    const deleted = await deleting.delete('t1', 'demo-1');
    await store.appendTurn('t1', 'demo-1', turn('t2', 'fresh start', '2026-03-01T00:00:02.000Z'));
    const page = await store.getMessages('t1', 'demo-1', { limit: 50 });

    // Assert: the turn that came during the deletion was refused (the session was gone), and
    // the new session holds only its own turn, nothing of the deleted one.
    expect(deleted).toBe(true);
    expect(answerStored).toBe(false);
    expect(page?.items.map((message) => message.content)).toEqual([
      'answer to fresh start',
      'fresh start',
    ]);
  });
});
