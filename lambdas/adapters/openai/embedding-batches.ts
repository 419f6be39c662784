import type { EmbeddingLimits } from '../../core/ports/embedder.js';

/**
 * A deliberately pessimistic token estimate for budgeting a request: one token per three UTF-8
 * bytes. English averages about four characters per token and CJK text about one token per
 * character (three bytes), so the estimate stays at or above the real count for both.
 *
 * @example
 * upperBoundTokens('path parameters'); // 5
 */
export const upperBoundTokens = (text: string): number =>
  Math.max(1, Math.ceil(Buffer.byteLength(text, 'utf8') / 3));

/**
 * Splits texts, in order, into the fewest consecutive batches that each respect the provider's
 * limits (inputs per request and tokens summed over a request). A single text over the token
 * budget still gets a batch of its own: the provider, not this function, judges it.
 *
 * @example
 * splitIntoBatches(['a', 'b', 'c'], { maxInputsPerRequest: 2, maxTokensPerRequest: 100 });
 * // [['a', 'b'], ['c']]
 */
export const splitIntoBatches = (
  texts: readonly string[],
  limits: EmbeddingLimits,
  estimate: (text: string) => number = upperBoundTokens,
): string[][] => {
  const batches: string[][] = [];
  let current: string[] = [];
  let tokens = 0;
  for (const text of texts) {
    const cost = estimate(text);
    const full =
      current.length >= limits.maxInputsPerRequest || tokens + cost > limits.maxTokensPerRequest;
    if (current.length > 0 && full) {
      batches.push(current);
      current = [];
      tokens = 0;
    }
    current.push(text);
    tokens += cost;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};
