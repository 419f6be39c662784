import { countWords } from './whitespace.js';

/**
 * Quarter tokens of one UTF-16 code unit: 1 for ASCII (about four characters a token, as
 * OpenAI documents for English), 2 for the scripts UTF-8 writes in two bytes (accented Latin,
 * Greek, Cyrillic, Hebrew, Arabic: about two characters a token), 4 for the rest (CJK, Hangul,
 * Thai, Devanagari: about one token a character; each half of a surrogate pair, so an emoji
 * counts two). Measured against OpenAI's tokenizers, this errs on the high side for each class.
 */
export const unitWeight = (code: number): number => (code < 0x80 ? 1 : code < 0x800 ? 2 : 4);

/**
 * The most UTF-8 bytes a text holds per estimated token ({@link estimateTokens}): a code unit
 * of weight 1 is one byte, of weight 2 two bytes, of weight 4 three bytes (or, as half of a
 * surrogate pair, two of the pair's four), so the bytes never exceed the weight, which never
 * exceeds four times the estimate.
 */
export const MAX_UTF8_BYTES_PER_ESTIMATED_TOKEN = 4;

/**
 * The estimated size of `text[from, to)` in quarter tokens (see {@link unitWeight}); one pass,
 * allocating nothing.
 *
 * @example
 * tokenWeight('path') // 4: one token
 * tokenWeight('路径参数') // 16: four tokens
 */
export const tokenWeight = (text: string, from = 0, to = text.length): number => {
  let weight = 0;
  for (let index = from; index < to; index += 1) weight += unitWeight(text.charCodeAt(index));
  return weight;
};

/**
 * Estimates the number of tokens of a text for budgeting (history windows, embedding batches,
 * chunk sizes) without shipping a tokenizer: its {@link tokenWeight} in tokens, rounded up, and
 * never less than the number of words. For English prose that is about four characters a
 * token; for Chinese or Japanese about one a character, so a budget holds in every script.
 * Estimates err on the high side so budgets hold.
 *
 * @example
 * estimateTokens('How do path parameters work?') // 7
 * estimateTokens('如何声明路径参数？') // 9
 */
export const estimateTokens = (text: string): number => {
  if (text.length === 0) return 0;
  return Math.max(Math.ceil(tokenWeight(text) / 4), countWords(text));
};
