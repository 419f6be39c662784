import type { TokenBudget } from '../chat/answer-question.js';
import type { Clock } from '../ports/clock.js';
import type { StreamSlots } from '../ports/stream-slots.js';
import type { TenantLimitsStore } from '../ports/tenant-limits-store.js';
import type { CounterSpec, UsageMeter, WindowCount } from '../ports/usage-meter.js';
import { HttpProblem } from '../problem.js';
import { type RateLimitState, rateLimitHeaders } from './rate-limit-headers.js';
import { effectiveLimits, type TenantLimits } from './tenant-limits.js';

/** Limited requests (chat, stream, uploads), counted per fixed minute. */
export const REQUESTS: CounterSpec = { name: 'requests', windowSeconds: 60 };
/** Limited requests received, refused ones included, counted per UTC day (for the usage view). */
export const DAILY_REQUESTS: CounterSpec = { name: 'requests-daily', windowSeconds: 86_400 };
/** Streams, counted when they end, per UTC day (for the usage view). */
export const DAILY_STREAMS: CounterSpec = { name: 'streams-daily', windowSeconds: 86_400 };
/** Model tokens (prompt + completion), counted per UTC day. */
export const TOKENS: CounterSpec = { name: 'tokens', windowSeconds: 86_400 };

/** Dependencies of {@link TenantLimiter}. */
export interface TenantLimiterDeps {
  meter: UsageMeter;
  limits: TenantLimitsStore;
  slots: StreamSlots;
  /** The limits of a tenant without overrides (runtime configuration). */
  defaults: TenantLimits;
  clock: Clock;
  /** How long a tenant's limits are reused before they are read again (default 60 s). */
  cacheTtlMs?: number;
  /** Makes the id of a stream's slot (default `crypto.randomUUID`). */
  newId?: () => string;
}

/** Frees a stream's slot; call it once the stream has ended, however it ended. */
export type ReleaseStream = () => Promise<void>;

/** Seconds a client refused a stream slot is told to wait before it tries again. */
const STREAM_RETRY_SECONDS = 5;

const stateOf = (
  policy: string,
  counter: CounterSpec,
  quota: number,
  count: WindowCount,
  now: Date,
): RateLimitState => ({
  policy,
  quota,
  windowSeconds: counter.windowSeconds,
  remaining: Math.max(0, quota - count.used),
  resetSeconds: Math.max(1, Math.ceil((count.resetAt.getTime() - now.getTime()) / 1000)),
});

const tooMany = (state: RateLimitState, detail: string) =>
  new HttpProblem(429, {
    detail,
    headers: { 'Retry-After': String(state.resetSeconds), ...rateLimitHeaders(state) },
  });

/**
 * Enforces a tenant's limits with a {@link UsageMeter}: the request rate (one atomic
 * conditional count per limited request, so concurrent requests never get past the limit)
 * the concurrent streams (slots under a lease), and the daily token budget (checked before an answer, counted after it with the usage the
 * model reports). A tenant's limits are read from the store at most once per cache period per
 * container, so the check itself is the only round trip a request adds.
 *
 * Refusals are 429 problems carrying `Retry-After` and the IETF `RateLimit-Policy` /
 * `RateLimit` headers.
 *
 * @example
 * const state = await limiter.admitRequest('acme'); // throws a 429 problem past the limit
 */
export class TenantLimiter {
  readonly #cache = new Map<string, { limits: TenantLimits; until: number }>();

  constructor(private readonly deps: TenantLimiterDeps) {}

  /** The counters the limits are enforced with, for reading usage. */
  get meter(): UsageMeter {
    return this.deps.meter;
  }

  /** The tenant's effective limits (its overrides over the defaults), cached briefly. */
  async limitsOf(tenantId: string): Promise<TenantLimits> {
    const now = this.deps.clock.now().getTime();
    const cached = this.#cache.get(tenantId);
    if (cached && cached.until > now) return cached.limits;
    const limits = effectiveLimits(this.deps.defaults, await this.deps.limits.get(tenantId));
    this.#cache.set(tenantId, { limits, until: now + (this.deps.cacheTtlMs ?? 60_000) });
    return limits;
  }

  /**
   * Counts one limited request of the tenant.
   *
   * @returns the request quota's state, for the `RateLimit` headers of the answer
   * @throws HttpProblem 429 when the tenant has used its requests of the current minute
   */
  async admitRequest(tenantId: string): Promise<RateLimitState> {
    const { requestsPerMinute } = await this.limitsOf(tenantId);
    // The day's count is written beside the check, not after it: no round trip is added.
    const [count] = await Promise.all([
      this.deps.meter.take(tenantId, REQUESTS, 1, requestsPerMinute),
      this.deps.meter.add(tenantId, DAILY_REQUESTS, 1),
    ]);
    const state = stateOf('default', REQUESTS, requestsPerMinute, count, this.deps.clock.now());
    if (!count.allowed) {
      throw tooMany(state, `Over ${requestsPerMinute} requests a minute; retry later`);
    }
    return state;
  }

  /**
   * Checks that the tenant has tokens left today.
   *
   * @throws HttpProblem 429 when the daily token budget is spent
   */
  async checkTokenBudget(tenantId: string): Promise<TokenBudget> {
    const { tokensPerDay } = await this.limitsOf(tenantId);
    const now = this.deps.clock.now();
    const used = await this.deps.meter.read(tenantId, TOKENS, now);
    if (used >= tokensPerDay) {
      const resetAt = new Date((Math.floor(now.getTime() / 86_400_000) + 1) * 86_400_000);
      const state = stateOf('tokens', TOKENS, tokensPerDay, { allowed: false, used, resetAt }, now);
      throw tooMany(state, `The daily budget of ${tokensPerDay} model tokens is spent`);
    }
    return { tokensUsed: used, tokensRemaining: tokensPerDay - used };
  }

  /**
   * Takes one of the tenant's concurrent stream slots until `leaseUntil` (the stream's
   * deadline: a stream that crashes without releasing frees its slot then).
   *
   * @returns the function that frees the slot
   * @throws HttpProblem 429 when the tenant already has its limit of streams open
   */
  async openStream(tenantId: string, leaseUntil: Date): Promise<ReleaseStream> {
    const { concurrentStreams } = await this.limitsOf(tenantId);
    const streamId = (this.deps.newId ?? (() => crypto.randomUUID()))();
    const acquired = await this.deps.slots.acquire(
      tenantId,
      streamId,
      concurrentStreams,
      leaseUntil,
    );
    if (!acquired) {
      throw new HttpProblem(429, {
        detail: `Already ${concurrentStreams} answers streaming at once; retry when one ends`,
        headers: {
          'Retry-After': String(STREAM_RETRY_SECONDS),
          'RateLimit-Policy': `"streams";q=${concurrentStreams}`,
          RateLimit: `"streams";r=0;t=${STREAM_RETRY_SECONDS}`,
        },
      });
    }
    // Counted for the usage view when the stream ends, beside the release: no round trip before.
    return async () => {
      await Promise.all([
        this.deps.slots.release(tenantId, streamId),
        this.deps.meter.add(tenantId, DAILY_STREAMS, 1),
      ]);
    };
  }

  /** Counts tokens the model reports having used for the tenant; returns the budget left. */
  async recordTokens(tenantId: string, tokens: number): Promise<TokenBudget> {
    const { tokensPerDay } = await this.limitsOf(tenantId);
    const count = await this.deps.meter.add(tenantId, TOKENS, tokens);
    return { tokensUsed: count.used, tokensRemaining: Math.max(0, tokensPerDay - count.used) };
  }
}
