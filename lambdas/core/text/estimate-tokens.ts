import { countWords } from './whitespace.js';

/**
 * Estimates the number of tokens of a text for budgeting (history windows, embedding batches)
 * without shipping a tokenizer: about four characters per token for English prose, as OpenAI
 * documents, rounded up, and never less than the number of words. Estimates err on the high
 * side so budgets hold. One pass over the text, allocating nothing.
 *
 * @example
 * estimateTokens('How do path parameters work?') // 7
 */
export const estimateTokens = (text: string): number => {
  if (text.length === 0) return 0;
  return Math.max(Math.ceil(text.length / 4), countWords(text));
};
