/**
 * Small, dependency-free statistics for the benchmark: medians and percentiles of samples.
 */

/**
 * The `p`-th percentile (0–100) of `values`, linearly interpolated between the two nearest
 * ranks (the "R-7" definition used by spreadsheets and NumPy). `NaN` for an empty list.
 *
 * @example
 * percentile([1, 2, 3, 4], 50); // 2.5
 */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low]!;
  return lowValue + (sorted[high]! - lowValue) * (rank - low);
};

/**
 * The median of `values` (`NaN` for an empty list).
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export const median = (values: readonly number[]): number => percentile(values, 50);

/**
 * `a / b`, or `NaN` when either is not a finite number or `b` is zero.
 *
 * @example
 * ratio(50, 100); // 0.5
 */
export const ratio = (a: number, b: number): number =>
  Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;

/** Milliseconds since an arbitrary origin, from the monotonic high-resolution clock. */
export const now = (): number => performance.now();
