import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../../../lambdas/core/ports/session-store.js';
import { estimateTokens } from '../../../../lambdas/core/text/estimate-tokens.js';
import { answerQuestionFixture } from '../../../support/answer-question-fixture.js';
import type { InMemorySessionStore } from '../../../support/fakes/in-memory-session-store.js';

const setup = (historyTokenBudget: number) => answerQuestionFixture({ historyTokenBudget });

const seedSession = (sessions: InMemorySessionStore, contents: string[]) => {
  const messages: StoredMessage[] = contents.map((content, index) => ({
    id: `h${index}`,
    role: index % 2 === 0 ? 'user' : 'assistant',
    content,
    createdAt: `2026-01-01T00:00:${String(index).padStart(2, '0')}.000Z`,
  }));
  sessions.sessions.set('tenant-a\u0000s1', {
    summary: { sessionId: 's1', title: 't', createdAt: '', updatedAt: '', messageCount: 4 },
    messages,
  });
};

describe('AnswerQuestion and the history window', () => {
  it('never sends an answer without the question it answers', async () => {
    // Arrange: two turns; the budget holds the last turn's answer but not its (long) question.
    const { sessions, model, useCase } = setup(100);
    const longQuestion = `Why does ${'the ordering of path operations matter '.repeat(20)}here?`;
    const shortAnswer = 'Because the first matching path operation wins.';
    expect(estimateTokens(shortAnswer) + 4).toBeLessThan(100);
    expect(estimateTokens(longQuestion) + 4).toBeGreaterThan(100);
    seedSession(sessions, ['What is FastAPI?', 'A web framework.', longQuestion, shortAnswer]);

    // Act
    await useCase.answer({ tenantId: 'tenant-a', sessionId: 's1', message: 'And why?' });

    // Assert: the history is made of whole turns, so it never opens with an assistant message.
    const history = model.prompts[0]!.slice(1, -1);
    expect(history.length).toBeGreaterThan(0);
    expect(history[0]?.role).toBe('user');
  });

  it('keeps the previous question of a follow-up when the last answer alone exceeds the budget', async () => {
    // Arrange: a short question followed by an answer longer than the whole budget.
    const { sessions, model, useCase } = setup(200);
    const question = 'How do I declare a path parameter in FastAPI?';
    const longAnswer = `Declare it in the path with braces. ${'More detail about path parameters. '.repeat(40)}`;
    expect(estimateTokens(longAnswer) + 4).toBeGreaterThan(200);
    seedSession(sessions, [question, longAnswer]);

    // Act: a follow-up that only makes sense with the conversation.
    await useCase.answer({
      tenantId: 'tenant-a',
      sessionId: 's1',
      message: 'And how do I restrict it to a fixed set of values?',
    });

    // Assert: the conversation (at least the question it follows) reaches the model.
    const history = model.prompts[0]!.slice(1, -1).map((message) => message.content);
    expect(history).toContain(question);
  });
});
