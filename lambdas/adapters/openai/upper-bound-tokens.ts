import { utf8Length } from '../../core/text/utf8-length.js';

/**
 * A token count that is never below the provider's: the text's UTF-8 bytes. OpenAI's tokenizers
 * are byte-level BPE, so every token covers at least one byte. One token per three bytes, the
 * estimate before, was exceeded by digits and numeric tables (a token per byte) and by scripts
 * such as Tamil or Amharic, so a batch of them went past the 300 000 tokens of one request and
 * failed to index.
 *
 * @example
 * upperBoundTokens('path parameters'); // 15
 */
export const upperBoundTokens = (text: string): number => Math.max(1, utf8Length(text));

/**
 * The longest start of `text` whose {@link upperBoundTokens} is at most `maxTokens`, cut
 * between characters.
 *
 * @example
 * withinTokens('día', 2); // 'd'
 */
export const withinTokens = (text: string, maxTokens: number): string => {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxTokens) return text;
  // A character cut at the end is left out (`stream: true` keeps its first bytes pending).
  return new TextDecoder('utf-8').decode(bytes.subarray(0, maxTokens), { stream: true });
};
