/** What one tenant may use: the service's defaults, overridden per tenant. */
export interface TenantLimits {
  /** Limited requests (chat, stream, uploads) per fixed minute. */
  requestsPerMinute: number;
  /** Model tokens (prompt + completion, as the model reports them) per UTC day. */
  tokensPerDay: number;
  /** Answers streaming at once. */
  concurrentStreams: number;
  /**
   * Resumes following an answer at once (`GET /{chatId}/stream`), apart from the streams: a
   * follower polls the table for as long as the answer lasts.
   */
  concurrentFollowers: number;
}

/** The names of the limits, for callers that set some of them only. */
export const TENANT_LIMIT_NAMES = [
  'requestsPerMinute',
  'tokensPerDay',
  'concurrentStreams',
  'concurrentFollowers',
] as const satisfies readonly (keyof TenantLimits)[];

/**
 * A tenant's limits: each override where the tenant has one, the default elsewhere.
 *
 * @example
 * effectiveLimits(defaults, { requestsPerMinute: 10 }) // defaults with 10 requests a minute
 */
export const effectiveLimits = (
  defaults: TenantLimits,
  overrides: Partial<TenantLimits> | undefined,
): TenantLimits => ({ ...defaults, ...overrides });
