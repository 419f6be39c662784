import type { TokenUsage } from '../../lambdas/core/ports/chat-model.js';

/**
 * The usage of an answer of `promptTokens` + `completionTokens`, as a model reports it.
 *
 * @example
 * tokenUsage(800, 200) // { promptTokens: 800, completionTokens: 200, totalTokens: 1000 }
 */
export const tokenUsage = (promptTokens: number, completionTokens: number): TokenUsage => ({
  promptTokens,
  completionTokens,
  totalTokens: promptTokens + completionTokens,
});
