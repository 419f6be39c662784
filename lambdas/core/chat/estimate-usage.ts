import type { ChatMessage, TokenUsage } from '../ports/chat-model.js';
import { tokenWeight } from '../text/estimate-tokens.js';

const estimateTokens = (text: string): number => Math.ceil(tokenWeight(text) / 4);

/**
 * What a model call probably cost when the provider did not say: its prompt and its reply at
 * about four characters a token in English (one a character in Chinese; see `tokenWeight`).
 * Used where a reply comes without usage and where an answer
 * cut short must still be counted.
 *
 * @example
 * estimateUsage([{ role: 'user', content: 'Why?' }], 'Because.') // { promptTokens: 1, completionTokens: 2, totalTokens: 3 }
 */
export const estimateUsage = (messages: readonly ChatMessage[], reply: string): TokenUsage => {
  const promptTokens = messages.reduce((sum, message) => sum + estimateTokens(message.content), 0);
  const completionTokens = estimateTokens(reply);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
};
