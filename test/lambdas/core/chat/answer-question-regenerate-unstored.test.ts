import { describe, expect, it } from 'vitest';
import type { AnswerEvent } from '../../../../lambdas/core/chat/answer-question.js';
import { answerQuestionFixture } from '../../../support/answer-question-fixture.js';
import { FakeChatModel } from '../../../support/fakes/fake-chat-model.js';

const collect = async (events: AsyncGenerator<AnswerEvent>) => {
  const all: AnswerEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
};

describe('AnswerQuestion regenerating a question whose turn was never stored', () => {
  it('stores it as a new turn, leaving the previous answer in place', async () => {
    // Arrange: turn 1 is stored; turn 2's model call fails before its first token, so (as
    // documented) nothing of turn 2 is stored, while useChat keeps question 2 on screen.
    const { sessions, model, useCase } = answerQuestionFixture({
      model: new FakeChatModel({
        defaultReply: (messages) => `Answer to: ${messages.at(-1)?.content.split('Question: ')[1]}`,
      }),
    });
    const sessionId = 'chat-1';
    await collect(
      useCase.stream({
        tenantId: 'tenant-a',
        sessionId,
        createIfMissing: true,
        message: 'What is a path parameter?',
      }),
    );
    model.failWith(new Error('model unavailable'));
    await expect(
      collect(
        useCase.stream({ tenantId: 'tenant-a', sessionId, message: 'How do I upload a file?' }),
      ),
    ).rejects.toThrow('model unavailable');

    // Act: useChat's regenerate() after the error sends the conversation ending with question 2
    // and trigger `regenerate-message` (the stream handler turns that into `regenerate: true`).
    await collect(
      useCase.stream({
        tenantId: 'tenant-a',
        sessionId,
        message: 'How do I upload a file?',
        regenerate: true,
      }),
    );

    // Assert: turn 1 is untouched, and question 2 is stored with its own answer.
    const stored = sessions.messagesOf('tenant-a', sessionId).map((m) => `${m.role}: ${m.content}`);
    expect(stored).toEqual([
      'user: What is a path parameter?',
      'assistant: Answer to: What is a path parameter?',
      'user: How do I upload a file?',
      'assistant: Answer to: How do I upload a file?',
    ]);
  });
});
