import { describe, expect, it } from 'vitest';
import type { TokenUsage } from '../../../../lambdas/core/ports/chat-model.js';
import { answerQuestionFixture } from '../../../support/answer-question-fixture.js';
import { FakeChatModel } from '../../../support/fakes/fake-chat-model.js';

const QUESTION = 'How do path parameters work?';

const setup = (model: FakeChatModel) => answerQuestionFixture({ model }).useCase;

describe('AnswerQuestion.stream around its start', () => {
  it('withdraws the model call when its caller leaves at the start', async () => {
    // Arrange
    const model = new FakeChatModel({ defaultReply: 'A long answer in many words.' });
    model.onToken = () => new Promise((done) => setTimeout(done, 20));
    const answer = setup(model).stream({ tenantId: 'tenant-a', message: QUESTION });

    // Act
    const first = await answer.next();
    await answer.return(undefined);

    // Assert
    expect(first.value).toMatchObject({ type: 'start' });
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]?.options.signal?.aborted).toBe(true);
  });

  it('calls no model and charges nothing when its time runs out before the model is called', async () => {
    // Arrange
    const model = new FakeChatModel({ defaultReply: 'An answer.' });
    const budget = new AbortController();
    const charged: TokenUsage[] = [];
    let admit = () => {};
    const admitted = new Promise<void>((done) => {
      admit = done;
    });
    const answer = setup(model).stream({
      tenantId: 'tenant-a',
      message: QUESTION,
      signal: budget.signal,
      admitted,
      chargeCut: async (usage) => {
        charged.push(usage);
      },
    });

    // Act
    const first = answer.next();
    setTimeout(() => {
      budget.abort(new Error('out of time'));
      admit();
    }, 10);

    // Assert
    await expect(first).rejects.toThrow('out of time');
    expect(model.calls).toHaveLength(0);
    expect(charged).toEqual([]);
  });
});
