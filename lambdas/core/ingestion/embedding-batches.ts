import type { EmbeddingLimits } from '../ports/embedder.js';

/**
 * Groups items, in order, into as few embedding requests as the provider allows: each batch
 * holds at most `limits.maxInputsPerRequest` items and at most `limits.maxTokensPerRequest`
 * tokens (as `tokensOf` estimates them). An item over the token limit on its own still gets a
 * batch of its own, so that the provider, not this function, names the problem.
 *
 * @example
 * embeddingBatches(chunks, { maxInputsPerRequest: 2048, maxTokensPerRequest: 300_000 }, (c) => c.tokens)
 * // 1000 chunks of 400 tokens: 2 batches (750 + 250), not 1000 requests
 */
export const embeddingBatches = <T>(
  items: readonly T[],
  limits: EmbeddingLimits,
  tokensOf: (item: T) => number,
): T[][] => {
  const maxInputs = Math.max(1, Math.floor(limits.maxInputsPerRequest));
  const batches: T[][] = [];
  let batch: T[] = [];
  let tokens = 0;
  for (const item of items) {
    const itemTokens = tokensOf(item);
    if (
      batch.length > 0 &&
      (batch.length >= maxInputs || tokens + itemTokens > limits.maxTokensPerRequest)
    ) {
      batches.push(batch);
      batch = [];
      tokens = 0;
    }
    batch.push(item);
    tokens += itemTokens;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
};
