/** Parameters of {@link fuseRankings}: Qdrant's `rrf` query (`k`, one weight per ranking). */
export interface RankFusion {
  /** Damps the lead of top ranks (Qdrant's default is 2). */
  k: number;
  /** One weight per ranking; a higher weight gives that ranking more say. Default all 1. */
  weights?: readonly number[];
}

/**
 * Weighted reciprocal rank fusion as Qdrant 1.19 computes it: an item at 0-based position `p`
 * of a ranking of weight `w` earns `1 / ((p + 1) / w + k − 1)`, and an item's fused score is
 * the sum over the rankings it appears in. With every weight 1 it is plain RRF, `1 / (p + k)`.
 * Ties keep the order of first appearance, so the result is deterministic.
 *
 * @example
 * fuseRankings([['a', 'b'], ['b', 'c']], { k: 2 }); // [['b', 0.83…], ['a', 0.5], ['c', 0.5]]
 */
export const fuseRankings = <T>(
  rankings: ReadonlyArray<readonly T[]>,
  fusion: RankFusion,
): Array<[T, number]> => {
  const scores = new Map<T, number>();
  rankings.forEach((ranking, which) => {
    const weight = fusion.weights?.[which] ?? 1;
    if (weight <= 0) return;
    ranking.forEach((item, position) => {
      const score = 1 / ((position + 1) / weight + fusion.k - 1);
      scores.set(item, (scores.get(item) ?? 0) + score);
    });
  });
  return [...scores].sort((a, b) => b[1] - a[1]);
};

/** A bonus for lexical evidence added to a fused score: `weight · bm25 / (bm25 + saturation)`. */
export interface LexicalBonus {
  weight: number;
  /** The BM25 score that earns half the weight. */
  saturation: number;
}

/**
 * The bonus a chunk with this BM25 score earns on top of its fused rank score: bounded by
 * `weight`, so a passage matching the question's words far better than the next gains a little
 * more than its rank alone gives it, whatever the scale of BM25 scores. Qdrant computes the
 * same with a `formula` query over the fused and the BM25 prefetch.
 *
 * @example
 * saturatedBonus(3, { weight: 0.5, saturation: 1 }); // 0.375
 */
export const saturatedBonus = (bm25: number, bonus: LexicalBonus): number =>
  bm25 <= 0 ? 0 : (bonus.weight * bm25) / (bm25 + bonus.saturation);
