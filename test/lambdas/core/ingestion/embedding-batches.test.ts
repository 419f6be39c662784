import { describe, expect, it } from 'vitest';
import { embeddingBatches } from '../../../../lambdas/core/ingestion/embedding-batches.js';

const items = (count: number, tokens = 10) =>
  Array.from({ length: count }, (_, index) => ({ index, tokens }));

describe('embeddingBatches', () => {
  it.each([
    [1, 1],
    [100, 1],
    [101, 2],
    [250, 3],
  ])('groups %i items into ceil(N / 100) = %i batches by count', (count, expected) => {
    const batches = embeddingBatches(
      items(count),
      { maxInputsPerRequest: 100, maxTokensPerRequest: 1_000_000 },
      (item) => item.tokens,
    );

    expect(batches).toHaveLength(expected);
    expect(batches.flat().map((item) => item.index)).toEqual(
      items(count).map((item) => item.index),
    );
  });

  it('starts a new batch before the token limit would be exceeded', () => {
    const batches = embeddingBatches(
      items(10, 30),
      { maxInputsPerRequest: 100, maxTokensPerRequest: 100 },
      (item) => item.tokens,
    );

    expect(batches.map((batch) => batch.length)).toEqual([3, 3, 3, 1]);
    for (const batch of batches) {
      expect(batch.reduce((sum, item) => sum + item.tokens, 0)).toBeLessThanOrEqual(100);
    }
  });

  it('respects whichever limit binds first', () => {
    const batches = embeddingBatches(
      items(12, 10),
      { maxInputsPerRequest: 5, maxTokensPerRequest: 1000 },
      (item) => item.tokens,
    );

    expect(batches.map((batch) => batch.length)).toEqual([5, 5, 2]);
  });

  it('gives an item over the token limit a batch of its own', () => {
    const batches = embeddingBatches(
      [{ tokens: 10 }, { tokens: 500 }, { tokens: 10 }],
      { maxInputsPerRequest: 100, maxTokensPerRequest: 100 },
      (item) => item.tokens,
    );

    expect(batches.map((batch) => batch.map((item) => item.tokens))).toEqual([[10], [500], [10]]);
  });

  it('makes no batch of nothing', () => {
    expect(
      embeddingBatches([], { maxInputsPerRequest: 1, maxTokensPerRequest: 1 }, () => 1),
    ).toEqual([]);
  });
});
