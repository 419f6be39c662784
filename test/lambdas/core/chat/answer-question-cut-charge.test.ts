import { describe, expect, it } from 'vitest';
import { type AnswerEvent, AnswerQuestion } from '../../../../lambdas/core/chat/answer-question.js';
import type { TokenUsage } from '../../../../lambdas/core/ports/chat-model.js';
import { everyDocumentLive } from '../../../support/fakes/every-document-live.js';
import { FakeChatModel } from '../../../support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../../support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../../support/fakes/fake-vector-store.js';
import { InMemorySessionStore } from '../../../support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';

const QUESTION = 'How do path parameters work?';

/** A model that has received the prompt and is still answering when the time budget fires. */
const slowModel = (budget: AbortController) => {
  const model = new FakeChatModel({ defaultReply: 'A long answer.' });
  model.complete = (_messages, options = {}) =>
    new Promise((_, reject) => {
      options.signal?.addEventListener('abort', () => reject(options.signal?.reason), {
        once: true,
      });
      // The request is on the wire; the budget runs out while the model is generating.
      setTimeout(() => budget.abort(new Error('out of time')), 5);
    });
  model.stream = async function* (_messages, options = {}) {
    await new Promise<void>((resolve) => {
      options.signal?.addEventListener('abort', () => resolve(), { once: true });
      setTimeout(() => budget.abort(new Error('out of time')), 5);
    });
    options.signal?.throwIfAborted();
    yield { type: 'delta', text: 'never' };
  };
  return model;
};

const setup = (model: FakeChatModel) =>
  new AnswerQuestion({
    sessions: new InMemorySessionStore(),
    embedder: new FakeEmbedder(),
    vectors: new FakeVectorStore(),
    documents: everyDocumentLive,
    model,
    clock: new ManualClock(),
    settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
  });

describe('AnswerQuestion charging an answer the time budget cut', () => {
  it('charges a streamed answer cut before any token', async () => {
    // Arrange
    const budget = new AbortController();
    const charged: TokenUsage[] = [];
    const useCase = setup(slowModel(budget));

    // Act
    const events: AnswerEvent[] = [];
    await expect(
      (async () => {
        for await (const event of useCase.stream({
          tenantId: 'tenant-a',
          message: QUESTION,
          signal: budget.signal,
          chargeCut: async (usage) => {
            charged.push(usage);
          },
        }))
          events.push(event);
      })(),
    ).rejects.toThrow('out of time');

    // Assert
    expect(charged).toHaveLength(1);
    expect(charged[0]!.promptTokens).toBeGreaterThan(0);
  });

  it('charges a buffered answer cut during the model call, as a streamed one', async () => {
    // Arrange
    const budget = new AbortController();
    const charged: TokenUsage[] = [];
    const useCase = setup(slowModel(budget));

    // Act
    await expect(
      useCase.answer({
        tenantId: 'tenant-a',
        message: QUESTION,
        signal: budget.signal,
        chargeCut: async (usage) => {
          charged.push(usage);
        },
      }),
    ).rejects.toThrow('out of time');

    // Assert: like the stream, the prompt sent (and cut by us) counts against the budget.
    expect(charged).toHaveLength(1);
    expect(charged[0]!.promptTokens).toBeGreaterThan(0);
  });
});
