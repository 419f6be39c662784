import { describe, expect, it } from 'vitest';
import { parseStreamRequest } from '../../../../lambdas/core/schemas/stream-chat.js';

const useChatBody = (trigger?: string) => ({
  id: 'chat-1',
  messages: [{ role: 'user', parts: [{ type: 'text', text: 'What is X?' }] }],
  ...(trigger ? { trigger } : {}),
});

describe('parseStreamRequest', () => {
  it("reads useChat's body as the session and its last user message", () => {
    expect(parseStreamRequest(useChatBody('submit-message'))).toEqual({
      success: true,
      data: { sessionId: 'chat-1', message: 'What is X?' },
    });
  });

  it("marks useChat's regenerate() as a regeneration of the last answer", () => {
    expect(parseStreamRequest(useChatBody('regenerate-message'))).toEqual({
      success: true,
      data: { sessionId: 'chat-1', message: 'What is X?', regenerate: true },
    });
  });

  it.each([
    ['the simple form', { message: '\u200b\u200b' }, 'message'],
    [
      "useChat's body",
      { id: 'chat-1', messages: [{ role: 'user', parts: [{ type: 'text', text: '\u2060' }] }] },
      'last user message',
    ],
  ])('refuses a question that shows nothing in %s', (_, body, pathEnd) => {
    const parsed = parseStreamRequest(body);

    expect(parsed.success).toBe(false);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([
      expect.objectContaining({
        message: 'The message shows nothing',
        path: expect.arrayContaining([pathEnd]),
      }),
    ]);
  });
});
