import { describe, expect, it } from 'vitest';
import type { AnswerEvent } from '../../../lambdas/core/chat/answer-question.js';
import type { UiMessagePart } from '../../../lambdas/core/chat/ui-message-stream.js';
import { answerParts } from '../../../lambdas/http/answer-event-stream.js';

const start: Extract<AnswerEvent, { type: 'start' }> = {
  type: 'start',
  sessionId: 's1',
  messageId: 'm1',
  sources: [],
};

const usage = { promptTokens: 10, completionTokens: 2, totalTokens: 12 };

const partsOf = async (rest: AnswerEvent[]): Promise<UiMessagePart[]> => {
  const parts: UiMessagePart[] = [];
  const events = (async function* () {
    yield* rest;
  })();
  for await (const part of answerParts(start, events, { describeError: String })) {
    parts.push(part);
  }
  return parts;
};

const message = {
  id: 'm1',
  role: 'assistant' as const,
  content: 'Two words',
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('answerParts', () => {
  it('finishes with stop when the model finished', async () => {
    const parts = await partsOf([
      { type: 'delta', text: 'Two words' },
      { type: 'finish', message, usage },
    ]);

    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('finishes with length, marked incomplete, when the model stopped at its token cap', async () => {
    const parts = await partsOf([
      { type: 'delta', text: 'Two words' },
      {
        type: 'finish',
        message: { ...message, incomplete: true },
        usage,
        finishReason: 'length',
      },
    ]);

    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'length',
      messageMetadata: { incomplete: true },
    });
  });
});
