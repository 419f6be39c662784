import { $ZodError } from 'zod/v4/core';
import { chatRequestSchema, questionSchema } from './chat.js';
import { described, resourceId } from './common.js';
import * as z from './zod-mini.js';

/** The body `useChat` sends through `DefaultChatTransport`: the whole conversation. */
export const useChatRequestSchema = described(
  z.looseObject({
    id: resourceId,
    messages: z
      .array(
        z.looseObject({
          role: z.enum(['system', 'user', 'assistant']),
          parts: z.array(z.looseObject({ type: z.string(), text: z.optional(z.string()) })),
        }),
      )
      .check(z.minLength(1), z.maxLength(1_000)),
    trigger: z.optional(z.enum(['submit-message', 'regenerate-message'])),
    messageId: z.optional(z.string()),
  }),
  { id: 'UseChatRequest' },
);

/** What the streaming endpoint needs from either body. */
export interface StreamQuestion {
  sessionId?: string;
  message: string;
  /** useChat's `regenerate()`: answer the last question again, in place of its answer. */
  regenerate?: boolean;
}

/**
 * Reads a streaming chat request: either `{ sessionId?, message }` or the body of the AI SDK's
 * `useChat` (`{ id, messages }`: `id` is the session, the last user message's text parts are
 * the question). Returns the zod error of the form the body most resembles.
 *
 * @example
 * parseStreamRequest({ id: 'chat-1', messages: [{ role: 'user', parts: [{ type: 'text', text: 'Hi' }] }] })
 * // { success: true, data: { sessionId: 'chat-1', message: 'Hi' } }
 */
export const parseStreamRequest = (
  body: unknown,
): { success: true; data: StreamQuestion } | { success: false; error: $ZodError } => {
  const looksLikeUseChat = typeof body === 'object' && body !== null && 'messages' in body;
  if (!looksLikeUseChat) {
    const simple = chatRequestSchema.safeParse(body);
    return simple.success ? { success: true, data: simple.data } : simple;
  }
  const chat = useChatRequestSchema.safeParse(body);
  if (!chat.success) return chat;
  const lastUser = chat.data.messages.findLast((message) => message.role === 'user');
  const text = (lastUser?.parts ?? [])
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
  const question = questionSchema.safeParse(text);
  if (!question.success) {
    return {
      success: false,
      error: new $ZodError(
        question.error.issues.map((issue) => ({
          ...issue,
          path: ['messages', 'last user message', 'text'],
        })),
      ),
    };
  }
  return {
    success: true,
    data: {
      sessionId: chat.data.id,
      message: question.data,
      ...(chat.data.trigger === 'regenerate-message' ? { regenerate: true } : {}),
    },
  };
};
