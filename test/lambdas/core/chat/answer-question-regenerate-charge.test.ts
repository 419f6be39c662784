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

const drain = async (events: AsyncIterable<AnswerEvent>) => {
  const all: AnswerEvent[] = [];
  try {
    for await (const event of events) all.push(event);
  } catch (error) {
    return { events: all, error };
  }
  return { events: all, error: undefined };
};

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
    const sessions = new DynamoDbSessionStore(db.documentClient, {
      tableName: db.tableName,
      clock,
      ttlDays: 30,
    });
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
      model,
      clock,
      settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
    });
    const sessionId = `regen-charge-${Date.now()}`;
    await drain(
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
    const regenerated = drain(
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
