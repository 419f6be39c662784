/**
 * Retrieval metrics of the evaluation harness, over one ranked list of cited pages per
 * question (a chunk's page is its document title, the path relative to the corpus root).
 */

/** The 1-based rank of the first relevant page among the first `depth`, or undefined. */
export const firstRelevantRank = (
  ranked: readonly string[],
  expected: readonly string[],
  depth = 10,
): number | undefined => {
  const index = ranked.slice(0, depth).findIndex((page) => expected.includes(page));
  return index < 0 ? undefined : index + 1;
};

/** 1 when a relevant page is among the first `k`, else 0. */
export const hitAt = (ranked: readonly string[], expected: readonly string[], k: number): number =>
  firstRelevantRank(ranked, expected, k) === undefined ? 0 : 1;

/** Reciprocal rank of the first relevant page within `depth` (0 when none). */
export const reciprocalRank = (
  ranked: readonly string[],
  expected: readonly string[],
  depth = 10,
): number => {
  const rank = firstRelevantRank(ranked, expected, depth);
  return rank === undefined ? 0 : 1 / rank;
};

/**
 * nDCG@`depth` with binary gains over the distinct pages of the ranking (a page cited by
 * several chunks counts once, at its first position), ideal = every expected page on top.
 *
 * @example
 * ndcgAt(['a.md', 'b.md'], ['b.md'], 10); // 1 / log2(3) ≈ 0.63
 */
export const ndcgAt = (
  ranked: readonly string[],
  expected: readonly string[],
  depth = 10,
): number => {
  const pages = [...new Set(ranked)].slice(0, depth);
  let dcg = 0;
  pages.forEach((page, index) => {
    if (expected.includes(page)) dcg += 1 / Math.log2(index + 2);
  });
  let ideal = 0;
  for (let index = 0; index < Math.min(expected.length, depth); index += 1) {
    ideal += 1 / Math.log2(index + 2);
  }
  return ideal === 0 ? 0 : dcg / ideal;
};

/** A mean with its bootstrap 95% interval. */
export interface Estimate {
  mean: number;
  low: number;
  high: number;
  n: number;
}

/** A small seeded PRNG (mulberry32), so intervals are the same on every run. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const mean = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * The mean of per-question scores with a percentile bootstrap 95% interval (resampling the
 * questions with replacement, `rounds` times, seeded). Written by hand: a dozen lines, where a
 * statistics package would add a dependency for one function.
 *
 * @example
 * bootstrap([1, 0, 1, 1]); // { mean: 0.75, low: 0.25, high: 1, n: 4 }
 */
export const bootstrap = (values: readonly number[], rounds = 2_000, seed = 13): Estimate => {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, n };
  const random = seededRandom(seed);
  const means: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    let sum = 0;
    for (let draw = 0; draw < n; draw += 1) sum += values[Math.floor(random() * n)]!;
    means.push(sum / n);
  }
  means.sort((a, b) => a - b);
  return {
    mean: mean(values),
    low: means[Math.floor(0.025 * (rounds - 1))]!,
    high: means[Math.ceil(0.975 * (rounds - 1))]!,
    n,
  };
};
