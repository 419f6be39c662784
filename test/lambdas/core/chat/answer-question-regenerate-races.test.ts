import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSessionStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-session-store.js';
import { type AnswerEvent, AnswerQuestion } from '../../../../lambdas/core/chat/answer-question.js';
import type {
  ChatMessage,
  ChatModel,
  CompletionEvent,
  CompletionOptions,
  TokenUsage,
} from '../../../../lambdas/core/ports/chat-model.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';
import { everyDocumentLive } from '../../../support/fakes/every-document-live.js';
import { FakeChatModel } from '../../../support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../../support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../../support/fakes/fake-vector-store.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';
import { gate, until } from '../../../support/stream-races.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.close());

const collect = async (events: AsyncIterable<AnswerEvent>) => {
  const all: AnswerEvent[] = [];
  try {
    for await (const event of events) all.push(event);
  } catch (error) {
    return { events: all, error };
  }
  return { events: all, error: undefined };
};

const finished = (run: { events: AnswerEvent[] }) =>
  run.events.find(
    (event): event is Extract<AnswerEvent, { type: 'finish' }> => event.type === 'finish',
  );

/** The question a prompt asks (the text after the last `Question:` of its last message). */
const asked = (messages: ChatMessage[]) =>
  messages.at(-1)?.content.split('Question: ').at(-1) ?? '';

const sessionStore = (clock: ManualClock) =>
  new DynamoDbSessionStore(db.documentClient, { tableName: db.tableName, clock, ttlDays: 30 });

let sessionsMade = 0;
const fixture = () => {
  const clock = new ManualClock('2026-05-01T00:00:00.000Z');
  const sessions = sessionStore(clock);
  let replies = 0;
  const model = new FakeChatModel({
    defaultReply: (messages) => `reply ${++replies} to ${asked(messages)}`,
  });
  const useCase = new AnswerQuestion({
    sessions,
    embedder: new FakeEmbedder(),
    vectors: new FakeVectorStore(),
    documents: everyDocumentLive,
    model,
    clock,
    settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
  });
  sessionsMade += 1;
  return { clock, sessions, model, useCase, sessionId: `regen-${sessionsMade}-${Date.now()}` };
};

const storedMessages = async (sessions: DynamoDbSessionStore, sessionId: string) =>
  (await sessions.getMessages('tenant-a', sessionId, { limit: 50 }))?.items ?? [];

describe('regenerate racing another answer on the same session (DynamoDB store)', () => {
  it('never tells a client an answer finished that the session does not hold (regenerate vs a new question)', async () => {
    const { clock, sessions, model, useCase, sessionId } = fixture();
    await collect(
      useCase.stream({
        tenantId: 'tenant-a',
        sessionId,
        createIfMissing: true,
        message: 'What is X?',
      }),
    );
    clock.advance(1_000);

    // Tab 1 regenerates the last answer; its model call is under way...
    const newQuestionStored = gate();
    model.onToken = async () => {
      await newQuestionStored.promise;
    };
    const regenerated = collect(
      useCase.stream({ tenantId: 'tenant-a', sessionId, message: 'What is X?', regenerate: true }),
    );
    await until(() => model.calls.length === 2);
    // ...while tab 2 (POST /v1/chat, buffered) asks a new question, answered and stored first.
    const next = await useCase.answer({ tenantId: 'tenant-a', sessionId, message: 'And Y?' });
    newQuestionStored.open();
    const regeneration = await regenerated;

    const stored = await storedMessages(sessions, sessionId);
    expect(stored.map((message) => message.id)).toContain(next.message.id);
    // The regenerated answer is not the last any more: it ends with a 409, not `finish`.
    expect(finished(regeneration)).toBeUndefined();
    expect(regeneration.error).toMatchObject({ status: 409 });
  });

  it('never tells two clients that each regenerated answer finished when only one is kept', async () => {
    const { sessions, model, useCase, sessionId } = fixture();
    await collect(
      useCase.stream({
        tenantId: 'tenant-a',
        sessionId,
        createIfMissing: true,
        message: 'What is X?',
      }),
    );

    // Two regenerations at once (a double click, two tabs): both prepared before either stores.
    const bothCalled = gate();
    model.onToken = async () => {
      if (model.calls.length >= 3) bothCalled.open();
      await bothCalled.promise;
    };
    const runs = await Promise.all([
      collect(
        useCase.stream({
          tenantId: 'tenant-a',
          sessionId,
          message: 'What is X?',
          regenerate: true,
        }),
      ),
      collect(
        useCase.stream({
          tenantId: 'tenant-a',
          sessionId,
          message: 'What is X?',
          regenerate: true,
        }),
      ),
    ]);

    const storedIds = (await storedMessages(sessions, sessionId)).map((message) => message.id);
    expect(storedIds).toHaveLength(2);
    const finishedIds = runs.flatMap((run) => {
      const finish = finished(run);
      return finish ? [finish.message.id] : [];
    });
    // One regeneration is kept and finishes; the other ends with a 409.
    expect(finishedIds).toHaveLength(1);
    expect(storedIds).toContain(finishedIds[0]);
    expect(runs.map((run) => (run.error as { status?: number } | undefined)?.status)).toContain(
      409,
    );
  });
});

/** The fake model, recording the usage each stream reports at its end. */
class ReportingModel implements ChatModel {
  readonly reported: TokenUsage[] = [];
  constructor(readonly inner: FakeChatModel) {}
  get model() {
    return this.inner.model;
  }
  complete(messages: ChatMessage[], options?: CompletionOptions) {
    return this.inner.complete(messages, options);
  }
  async *stream(
    messages: ChatMessage[],
    options?: CompletionOptions,
  ): AsyncIterable<CompletionEvent> {
    for await (const event of this.inner.stream(messages, options)) {
      if (event.type === 'done') this.reported.push(event.usage);
      yield event;
    }
  }
}

describe('a streamed regenerate that loses the race', () => {
  it('charges the usage the model reported, and tries to store the answer once', async () => {
    // Arrange
    const clock = new ManualClock('2026-05-01T00:00:00.000Z');
    const sessions = sessionStore(clock);
    let replaceCalls = 0;
    const replaceLastAnswer = sessions.replaceLastAnswer.bind(sessions);
    sessions.replaceLastAnswer = (...args) => {
      replaceCalls += 1;
      return replaceLastAnswer(...args);
    };
    // Long words: the model's token count and the character estimate differ.
    const fake = new FakeChatModel({
      defaultReply:
        'Supercalifragilisticexpialidocious antidisestablishmentarianism floccinaucinihilipilification',
    });
    const model = new ReportingModel(fake);
    const useCase = new AnswerQuestion({
      sessions,
      embedder: new FakeEmbedder(),
      vectors: new FakeVectorStore(),
      documents: everyDocumentLive,
      model,
      clock,
      settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
    });
    const sessionId = `regen-charge-${Date.now()}`;
    await collect(
      useCase.stream({
        tenantId: 'tenant-a',
        sessionId,
        createIfMissing: true,
        message: 'What is X?',
      }),
    );
    clock.advance(1_000);
    const charged: TokenUsage[] = [];
    const newQuestionStored = gate();
    fake.onToken = async () => {
      await newQuestionStored.promise;
    };
    const regenerated = collect(
      useCase.stream({
        tenantId: 'tenant-a',
        sessionId,
        message: 'What is X?',
        regenerate: true,
        chargeCut: async (usage) => {
          charged.push(usage);
        },
      }),
    );
    await until(() => fake.calls.length === 2);
    fake.onToken = undefined;
    await useCase.answer({ tenantId: 'tenant-a', sessionId, message: 'And Y?' });
    replaceCalls = 0;

    // Act
    newQuestionStored.open();
    const run = await regenerated;

    // Assert: the 409 of the lost race, the model's reported usage counted, one store attempt.
    expect(run.error).toMatchObject({ status: 409 });
    expect(model.reported).toHaveLength(2);
    expect(charged).toEqual([model.reported[1]]);
    expect(replaceCalls).toBe(1);
  });
});
