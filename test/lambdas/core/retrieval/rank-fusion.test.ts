import { describe, expect, it } from 'vitest';
import { fuseRankings, saturatedBonus } from '../../../../lambdas/core/retrieval/rank-fusion.js';

describe('fuseRankings', () => {
  it('sums 1 / (position + k) over the rankings (plain RRF)', () => {
    const fused = fuseRankings(
      [
        ['a', 'b'],
        ['b', 'c'],
      ],
      { k: 2 },
    );

    expect(fused).toEqual([
      ['b', 1 / 3 + 1 / 2],
      ['a', 1 / 2],
      ['c', 1 / 3],
    ]);
  });

  it('gives a heavier ranking more say, as Qdrant weights rrf', () => {
    const fused = fuseRankings([['dense-first'], ['lexical-first']], { k: 2, weights: [1, 2] });

    expect(fused.map(([item]) => item)).toEqual(['lexical-first', 'dense-first']);
    expect(fused[0]![1]).toBeCloseTo(1 / (1 / 2 + 1));
  });

  it('ignores a ranking of weight 0', () => {
    expect(fuseRankings([['a'], ['b']], { k: 2, weights: [1, 0] })).toEqual([['a', 0.5]]);
  });
});

describe('saturatedBonus', () => {
  it('gives half the weight at the saturation score', () => {
    expect(saturatedBonus(3, { weight: 0.5, saturation: 3 })).toBe(0.25);
  });

  it('approaches but never exceeds the weight for a very high BM25 score', () => {
    const bonus = saturatedBonus(1e6, { weight: 0.5, saturation: 1 });

    expect(bonus).toBeLessThan(0.5);
    expect(bonus).toBeGreaterThan(0.4999);
  });

  it('gives nothing to a chunk without BM25 score', () => {
    expect(saturatedBonus(0, { weight: 0.5, saturation: 1 })).toBe(0);
  });
});
