import { describe, expect, it } from 'vitest';
import { EmbeddedVectorStore } from '../../../../lambdas/adapters/embedded/embedded-vector-store.js';
import { HashedFeatureEmbedder } from '../../../../lambdas/adapters/offline/hashed-feature-embedder.js';
import { AnswerQuestion } from '../../../../lambdas/core/chat/answer-question.js';
import { NO_CONTEXT_NOTE } from '../../../../lambdas/core/chat/build-prompt.js';
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

/** Pages of a Chinese manual: the text has no spaces between its words. */
const CHINESE_PASSAGES: Record<string, string> = {
  '路径参数.md': '路径参数：用类型注解声明路径参数。要把路径参数限制为一组固定的值，请使用枚举类。',
  '请求头.md': '请求头参数用 Header 读取。用 Literal 类型把请求头限制为固定的几个值。',
  'cookie.md': 'Cookie 参数的声明方式与查询参数相同，使用 Cookie 类。',
};

/** The use case over the offline embedder and the embedded store, as the local stack runs it. */
const setup = async (passages: Record<string, string> = PASSAGES) => {
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
    model,
    clock: new ManualClock(),
    settings: { topK: 2, minScore: -1, historyTokenBudget: 1_000 },
    newId: () => `id-${++id}`,
  });
  return { useCase, model };
};

describe('AnswerQuestion retrieval (hybrid, offline)', () => {
  it('cites nothing, and tells the model so, for a question the documents cannot answer', async () => {
    const { useCase, model } = await setup();

    const answer = await useCase.answer({
      tenantId: 'tenant-a',
      message: 'What hydration should a sourdough loaf have?',
    });

    expect(answer.message.sources).toEqual([]);
    expect(model.prompts[0]!.at(-1)!.content).toContain(NO_CONTEXT_NOTE);
  });

  it('still cites the page of a question the documents answer', async () => {
    const { useCase } = await setup();

    const answer = await useCase.answer({
      tenantId: 'tenant-a',
      message: 'How do I declare cookie parameters?',
    });

    expect(answer.message.sources[0]?.title).toBe('cookies.md');
  });

  it('cites the page of a question asked in Chinese, whose words have no spaces between them', async () => {
    const { useCase } = await setup(CHINESE_PASSAGES);

    const answer = await useCase.answer({
      tenantId: 'tenant-a',
      message: '怎样把路径参数限制为固定的值？',
    });

    expect(answer.message.sources[0]?.title).toBe('路径参数.md');
  });

  it('retrieves a follow-up with the question before it', async () => {
    const { useCase } = await setup();
    const first = await useCase.answer({
      tenantId: 'tenant-a',
      message: 'How do I declare a path parameter with a type?',
    });

    const followUp = await useCase.answer({
      tenantId: 'tenant-a',
      sessionId: first.sessionId,
      message: 'And how do I restrict it to a fixed set of values?',
    });

    expect(followUp.message.sources[0]?.title).toBe('path-params.md');
  });
});
