import { describe, expect, it } from 'vitest';
import { NO_CONTEXT_NOTE } from '../../../../lambdas/core/chat/build-prompt.js';
import { offlineRetrievalFixture } from '../../../support/offline-retrieval-fixture.js';

/** Pages of a Chinese manual: the text has no spaces between its words. */
const CHINESE_PASSAGES: Record<string, string> = {
  '路径参数.md': '路径参数：用类型注解声明路径参数。要把路径参数限制为一组固定的值，请使用枚举类。',
  '请求头.md': '请求头参数用 Header 读取。用 Literal 类型把请求头限制为固定的几个值。',
  'cookie.md': 'Cookie 参数的声明方式与查询参数相同，使用 Cookie 类。',
};

const setup = offlineRetrievalFixture;

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

  it("cites the README's one document for each question its curl session asks", async () => {
    const { useCase } = await setup({
      'Path parameters':
        '# Path Parameters\n\nDeclare path parameters with braces, as in /items/{item_id}; the value is passed to your function as item_id.',
    });

    for (const message of ['How do I declare path parameters?', 'Tell me about path parameters']) {
      const answer = await useCase.answer({ tenantId: 'tenant-a', message });

      expect(answer.message.sources.map((source) => source.title)).toEqual(['Path parameters']);
    }
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
