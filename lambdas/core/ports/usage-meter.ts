/** A counter of one tenant in fixed windows: what is counted, and how long a window lasts. */
export interface CounterSpec {
  /** What is counted, e.g. `requests` or `tokens`. */
  name: string;
  /** Length of a window in seconds; windows start at multiples of it since the epoch (UTC). */
  windowSeconds: number;
}

/** A counter's state in the current window after a take or an add. */
export interface WindowCount {
  /** Whether the amount was counted (always true for {@link UsageMeter.add}). */
  allowed: boolean;
  /** The count in the window, the amount included when it was allowed. */
  used: number;
  /** When the window ends and the count starts again from zero. */
  resetAt: Date;
}

/**
 * Port for per-tenant usage counters in fixed windows. `take` is the atomic check-and-count a
 * limit needs: concurrent takes never push a counter past its limit.
 */
export interface UsageMeter {
  /** Counts `amount` in the current window unless the count would then exceed `limit`. */
  take(tenantId: string, counter: CounterSpec, amount: number, limit: number): Promise<WindowCount>;
  /**
   * Counts `amount` whatever the count (usage already spent), in the window that contains `at`
   * (default: now; a count kept locally is written to the window it was made in).
   */
  add(tenantId: string, counter: CounterSpec, amount: number, at?: Date): Promise<WindowCount>;
  /** The count of the window that contains `at` (default: now); 0 when nothing was counted. */
  read(tenantId: string, counter: CounterSpec, at?: Date): Promise<number>;
  /** The counts of many windows at once (one per read, in order), in as few round trips as the store allows. */
  readMany(tenantId: string, reads: readonly CounterRead[]): Promise<number[]>;
}

/** One window to read: the window of `counter` that contains `at`. */
export interface CounterRead {
  counter: CounterSpec;
  at: Date;
}

/**
 * The fixed window that contains `at`.
 *
 * @example
 * fixedWindow(new Date('2026-01-01T00:00:30Z'), 60) // { start: 00:00:00, end: 00:01:00 }
 */
export const fixedWindow = (at: Date, windowSeconds: number): { start: Date; end: Date } => {
  const length = windowSeconds * 1000;
  const start = Math.floor(at.getTime() / length) * length;
  return { start: new Date(start), end: new Date(start + length) };
};
