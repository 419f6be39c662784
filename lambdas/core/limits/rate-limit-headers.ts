/** One quota as the IETF RateLimit headers describe it. */
export interface RateLimitState {
  /** The policy's name, e.g. `default` (requests) or `tokens`. */
  policy: string;
  /** The quota per window. */
  quota: number;
  /** The window in seconds. */
  windowSeconds: number;
  /** What is left of the quota in the current window. */
  remaining: number;
  /** Seconds until the window ends. */
  resetSeconds: number;
}

/**
 * The `RateLimit-Policy` and `RateLimit` headers of draft-ietf-httpapi-ratelimit-headers
 * (structured-field lists: `"default";q=120;w=60` and `"default";r=17;t=23`).
 *
 * @example
 * rateLimitHeaders({ policy: 'default', quota: 120, windowSeconds: 60, remaining: 17, resetSeconds: 23 })
 * // { 'RateLimit-Policy': '"default";q=120;w=60', RateLimit: '"default";r=17;t=23' }
 */
export const rateLimitHeaders = (state: RateLimitState): Record<string, string> => ({
  'RateLimit-Policy': `"${state.policy}";q=${state.quota};w=${state.windowSeconds}`,
  RateLimit: `"${state.policy}";r=${Math.max(0, state.remaining)};t=${state.resetSeconds}`,
});
