import { describe, expect, it } from 'vitest';
import { EmbeddedVectorStore } from '../../../../lambdas/adapters/embedded/embedded-vector-store.js';
import { HashedFeatureEmbedder } from '../../../../lambdas/adapters/offline/hashed-feature-embedder.js';
import { AnswerQuestion } from '../../../../lambdas/core/chat/answer-question.js';
import { NO_CONTEXT_NOTE } from '../../../../lambdas/core/chat/build-prompt.js';
import {
  DEFAULT_RETRIEVAL,
  retrievePassages,
} from '../../../../lambdas/core/retrieval/retrieve-passages.js';
import { passageVector } from '../../../../lambdas/core/retrieval/sparse-vector.js';
import { FakeChatModel } from '../../../support/fakes/fake-chat-model.js';
import { InMemorySessionStore } from '../../../support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';

const PASSAGES: Record<string, string> = {
  'path-params.md':
    'Path parameters: declare a path parameter with a type annotation. To restrict it to a fixed set of values, use an Enum class.',
  'header-params.md':
    'Header parameters are read with Header. Restrict a header to a fixed set of values with a Literal type.',
  'cookies.md': 'Cookie parameters are declared with Cookie, the same way as Query parameters.',
};

/** The use case over the offline embedder and the embedded store, as the local stack runs it. */
const setup = async () => {
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
    model,
    clock: new ManualClock(),
    settings: { topK: 2, minScore: -1, historyTokenBudget: 1_000 },
    newId: () => `id-${++id}`,
  });
  return { useCase, model, embedder, vectors };
};

describe('retrievePassages judging a follow-up', () => {
  const retrieve = async (question: string) => {
    const { embedder, vectors } = await setup();
    return retrievePassages(
      { embedder, vectors },
      { ...DEFAULT_RETRIEVAL, topK: 2, minScore: -1 },
      {
        tenantId: 'tenant-a',
        question,
        previousQuestions: ['How do I restrict a path parameter to a fixed set of values?'],
      },
    );
  };

  it('cites the passages of a follow-up whose own words say nothing, read with the question it follows', async () => {
    const retrieval = await retrieve('Why?');

    expect(retrieval.followUp).toBe(true);
    expect(retrieval.abstained).toBe(false);
    expect(retrieval.chunks[0]?.title).toBe('path-params.md');
  });

  it('still abstains on a follow-up about something the documents never name', async () => {
    const retrieval = await retrieve('And what about Kafka?');

    expect(retrieval.followUp).toBe(true);
    expect(retrieval.abstained).toBe(true);
  });

  it('answers the follow-up in a chat with the passages the conversation retrieves', async () => {
    const { useCase, model } = await setup();
    const first = await useCase.answer({
      tenantId: 'tenant-a',
      message: 'How do I restrict a path parameter to a fixed set of values?',
    });

    const followUp = await useCase.answer({
      tenantId: 'tenant-a',
      sessionId: first.sessionId,
      message: 'Why?',
    });

    expect(followUp.message.sources.map((source) => source.title)).toContain('path-params.md');
    expect(model.prompts.at(-1)!.at(-1)!.content).not.toContain(NO_CONTEXT_NOTE);
  });
});
