import { AnswerQuestion } from '../../lambdas/core/chat/answer-question.js';
import { everyDocumentLive } from './fakes/every-document-live.js';
import { FakeChatModel } from './fakes/fake-chat-model.js';
import { FakeEmbedder } from './fakes/fake-embedder.js';
import { FakeVectorStore } from './fakes/fake-vector-store.js';
import { InMemorySessionStore } from './fakes/in-memory-session-store.js';
import { ManualClock } from './fakes/manual-clock.js';

/**
 * `AnswerQuestion` over in-memory fakes (top 3 passages, a 0.5 score floor, numbered ids), with
 * the fakes to arrange and inspect.
 *
 * @example
 * const { useCase, sessions, model } = answerQuestionFixture({ historyTokenBudget: 100 });
 */
export const answerQuestionFixture = (
  options: { model?: FakeChatModel; historyTokenBudget?: number } = {},
) => {
  const embedder = new FakeEmbedder();
  const vectors = new FakeVectorStore();
  const sessions = new InMemorySessionStore();
  const model = options.model ?? new FakeChatModel({ defaultReply: 'An answer.' });
  let id = 0;
  const useCase = new AnswerQuestion({
    sessions,
    embedder,
    vectors,
    documents: everyDocumentLive,
    model,
    clock: new ManualClock(),
    settings: { topK: 3, minScore: 0.5, historyTokenBudget: options.historyTokenBudget ?? 1_000 },
    newId: () => `id-${++id}`,
  });
  return { embedder, vectors, sessions, model, useCase };
};
