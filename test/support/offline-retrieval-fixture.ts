import { EmbeddedVectorStore } from '../../lambdas/adapters/embedded/embedded-vector-store.js';
import { HashedFeatureEmbedder } from '../../lambdas/adapters/offline/hashed-feature-embedder.js';
import { AnswerQuestion } from '../../lambdas/core/chat/answer-question.js';
import { passageVector } from '../../lambdas/core/retrieval/sparse-vector.js';
import { everyDocumentLive } from './fakes/every-document-live.js';
import { FakeChatModel } from './fakes/fake-chat-model.js';
import { InMemorySessionStore } from './fakes/in-memory-session-store.js';
import { ManualClock } from './fakes/manual-clock.js';

/** Three passages of FastAPI's documentation, by title. */
export const FASTAPI_PASSAGES: Record<string, string> = {
  'path-params.md':
    'Path parameters: declare a path parameter with a type annotation. To restrict it to a fixed set of values, use an Enum class.',
  'header-params.md':
    'Header parameters are read with Header. Restrict a header to a fixed set of values with a Literal type.',
  'cookies.md': 'Cookie parameters are declared with Cookie, the same way as Query parameters.',
};

/**
 * `AnswerQuestion` over the offline embedder and the embedded store, as the local stack runs
 * it, holding `passages` (by title) for tenant `tenant-a`.
 *
 * @example
 * const { useCase, model, embedder, vectors } = await offlineRetrievalFixture();
 */
export const offlineRetrievalFixture = async (
  passages: Record<string, string> = FASTAPI_PASSAGES,
) => {
  const PASSAGES = passages;
  const embedder = new HashedFeatureEmbedder();
  const vectors = new EmbeddedVectorStore({ dimensions: embedder.dimensions });
  const model = new FakeChatModel({ defaultReply: 'An answer.' });
  const titles = Object.keys(PASSAGES);
  const { vectors: embedded } = await embedder.embed(titles.map((title) => PASSAGES[title]!));
  await vectors.upsert(
    'tenant-a',
    titles.map((title, index) => ({
      id: `00000000-0000-4000-8000-00000000000${index}`,
      vector: embedded[index]!,
      sparse: passageVector(PASSAGES[title]!),
      payload: {
        tenantId: 'tenant-a',
        documentId: title,
        version: 1,
        title,
        chunkIndex: 0,
        text: PASSAGES[title]!,
      },
    })),
  );
  let id = 0;
  const useCase = new AnswerQuestion({
    sessions: new InMemorySessionStore(),
    embedder,
    vectors,
    documents: everyDocumentLive,
    model,
    clock: new ManualClock(),
    settings: { topK: 2, minScore: -1, historyTokenBudget: 1_000 },
    newId: () => `id-${++id}`,
  });
  return { useCase, model, embedder, vectors };
};
