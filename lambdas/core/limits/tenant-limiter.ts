import type { TokenBudget } from '../chat/answer-question.js';
import type { TokenUsage } from '../ports/chat-model.js';
import type { Clock } from '../ports/clock.js';
import type { StreamSlots } from '../ports/stream-slots.js';
import type { TenantLimitsStore } from '../ports/tenant-limits-store.js';
import { parallelSnapshots, type TenantSnapshotReader } from '../ports/tenant-snapshot.js';
import type { CounterSpec, UsageMeter, WindowCount } from '../ports/usage-meter.js';
import { HttpProblem } from '../problem.js';
import { LocalAllowance } from './local-allowance.js';
import { type RateLimitState, rateLimitHeaders } from './rate-limit-headers.js';
import { effectiveLimits, type TenantLimits } from './tenant-limits.js';

/** Limited requests (chat, stream, uploads), counted per fixed minute. */
export const REQUESTS: CounterSpec = { name: 'requests', windowSeconds: 60 };
/** Limited requests received, refused ones included, counted per UTC day (for the usage view). */
export const DAILY_REQUESTS: CounterSpec = { name: 'requests-daily', windowSeconds: 86_400 };
/** Streams, counted when they end, per UTC day (for the usage view). */
export const DAILY_STREAMS: CounterSpec = { name: 'streams-daily', windowSeconds: 86_400 };
/** Model tokens (prompt + completion), counted per UTC day: the counter the budget is enforced on. */
export const TOKENS: CounterSpec = { name: 'tokens', windowSeconds: 86_400 };
/** Prompt tokens of answers, per UTC day (for the usage view). */
export const PROMPT_TOKENS: CounterSpec = { name: 'prompt-tokens', windowSeconds: 86_400 };
/** Completion tokens of answers, per UTC day (for the usage view). */
export const COMPLETION_TOKENS: CounterSpec = { name: 'completion-tokens', windowSeconds: 86_400 };
/** Embedding tokens of indexed uploads, as the embedding API reports them, per UTC day. */
export const EMBEDDING_TOKENS: CounterSpec = { name: 'embedding-tokens', windowSeconds: 86_400 };
/** Documents indexed, per UTC day. */
export const DAILY_DOCUMENTS: CounterSpec = { name: 'documents-daily', windowSeconds: 86_400 };
/** Chunks stored by indexing, per UTC day. */
export const DAILY_CHUNKS: CounterSpec = { name: 'chunks-daily', windowSeconds: 86_400 };

/** How much one container may count without writing it: see {@link LocalAllowance}. */
export interface AllowanceBlocks {
  /** Requests (per minute and per day, streams). 0: every request is a conditional write. */
  requests: number;
  /** Model tokens. 0: every answer's tokens are written at once. */
  tokens: number;
  /**
   * Counts kept only for the usage view (requests and tokens per day, streams): how much one
   * container keeps before writing them. Default: the smaller block above, `Infinity` (written
   * every `maxAgeMs` only) when neither is 0.
   */
  usage?: number;
  /** Counts kept locally are written once this old (default 10 s). */
  maxAgeMs?: number;
}

const blockOf =
  (blocks: AllowanceBlocks) =>
  (counter: CounterSpec): number => {
    if (counter.name === REQUESTS.name) return blocks.requests;
    if (counter.name === TOKENS.name) return blocks.tokens;
    return blocks.usage ?? (Math.min(blocks.requests, blocks.tokens) === 0 ? 0 : Infinity);
  };

/** Dependencies of {@link TenantLimiter}. */
export interface TenantLimiterDeps {
  meter: UsageMeter;
  limits: TenantLimitsStore;
  /**
   * Reads a tenant's limits with its request and token counts, for its first request in this
   * container (default: the limits store and the meter read at once, one round trip).
   */
  snapshots?: TenantSnapshotReader;
  slots: StreamSlots;
  /** The followers' slots (resumes following an answer), a pool apart from `slots`. */
  followerSlots: StreamSlots;
  /** The limits of a tenant without overrides (runtime configuration). */
  defaults: TenantLimits;
  clock: Clock;
  /** How long a tenant's limits are reused before they are read again (default 60 s). */
  cacheTtlMs?: number;
  /** Makes the id of a stream's slot (default `crypto.randomUUID`). */
  newId?: () => string;
  /** The per-container allowance (default: none, every count written at once). */
  blocks?: AllowanceBlocks;
  /** Told about a background counter write that failed (its counts are kept for the next). */
  onError?: (error: unknown) => void;
}

/**
 * Frees a stream slot; `answered: false` for a stream that never started its answer (refused,
 * or failed before its first event), which is not counted among the day's streamed answers.
 */
export type ReleaseStream = (options?: { answered?: boolean }) => Promise<void>;

/** Frees a follower's slot; call it once the following has ended, however it ended. */
export type ReleaseFollower = () => Promise<void>;

/** Seconds a client refused a stream or follower slot is told to wait before it tries again. */
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
 * Enforces a tenant's limits with a {@link UsageMeter} through a per-container
 * {@link LocalAllowance}: the request rate (an atomic conditional count, made locally while
 * the tenant is well under its limit), the concurrent streams and followers (slots under a
 * lease, in two pools), and the
 * daily token budget (checked against the container's view before an answer, counted after it
 * with the usage the model reports). A request adds at most one DynamoDB round trip and none
 * while the tenant is well under its limits: a tenant's first request in a container reads its
 * limits with the minute's request count and the day's token count in one snapshot and is
 * decided on them; later ones make at most the conditional take (beside which a stale view of
 * a budget near its end is read). Limits are then refreshed in the background every cache
 * period.
 *
 * Refusals are 429 problems carrying `Retry-After` and the IETF `RateLimit-Policy` /
 * `RateLimit` headers.
 *
 * @example
 * const state = await limiter.admitRequest('acme'); // throws a 429 problem past the limit
 */
export class TenantLimiter {
  readonly #cache = new Map<
    string,
    { limits: TenantLimits; until: number; refreshing?: boolean }
  >();
  readonly #allowance: LocalAllowance;
  /** A tenant's read in flight (its first look, or limits too old to use), for all callers. */
  readonly #reads = new Map<string, Promise<TenantLimits>>();

  constructor(private readonly deps: TenantLimiterDeps) {
    const blocks = deps.blocks ?? { requests: 0, tokens: 0 };
    this.#allowance = new LocalAllowance({
      meter: deps.meter,
      clock: deps.clock,
      blockOf: blockOf(blocks),
      ...(blocks.maxAgeMs === undefined ? {} : { maxAgeMs: blocks.maxAgeMs }),
      ...(deps.onError ? { onError: deps.onError } : {}),
    });
  }

  /** The counters the limits are enforced with, for reading usage. */
  get meter(): UsageMeter {
    return this.deps.meter;
  }

  /**
   * The tenant's effective limits (its overrides over the defaults): read once per container
   * (with the counts its first request needs), then served from memory and read again in the
   * background once the cache period is over. Limits older than two periods (a tenant idle in
   * this container) are read again before they are used, so a change applies within one
   * period of the tenant's next request.
   */
  async limitsOf(tenantId: string): Promise<TenantLimits> {
    const now = this.deps.clock.now().getTime();
    const cached = this.#cache.get(tenantId);
    if (!cached) return this.#once(tenantId, () => this.#snapshot(tenantId));
    if (cached.until + (this.deps.cacheTtlMs ?? 60_000) <= now) {
      return this.#once(tenantId, () =>
        this.#readLimits(tenantId).catch((error: unknown) => {
          this.deps.onError?.(error);
          return cached.limits;
        }),
      );
    }
    if (cached.until <= now && !cached.refreshing) {
      cached.refreshing = true;
      this.#readLimits(tenantId).catch((error: unknown) => {
        cached.refreshing = false;
        this.deps.onError?.(error);
      });
    }
    return cached.limits;
  }

  /** Runs `read` for the tenant once for concurrent callers, who all get its result. */
  #once(tenantId: string, read: () => Promise<TenantLimits>): Promise<TenantLimits> {
    let pending = this.#reads.get(tenantId);
    if (!pending) {
      pending = read().finally(() => this.#reads.delete(tenantId));
      this.#reads.set(tenantId, pending);
    }
    return pending;
  }

  /** Reads the limits and the counts a tenant's first request is decided on. */
  async #snapshot(tenantId: string): Promise<TenantLimits> {
    const at = this.deps.clock.now();
    const snapshots = this.deps.snapshots ?? parallelSnapshots(this.deps.limits, this.deps.meter);
    const { overrides, counts } = await snapshots.read(tenantId, [
      { counter: REQUESTS, at },
      { counter: TOKENS, at },
    ]);
    this.#allowance.learn(tenantId, REQUESTS, counts[0] ?? 0, at);
    this.#allowance.learn(tenantId, TOKENS, counts[1] ?? 0, at);
    const limits = effectiveLimits(this.deps.defaults, overrides);
    const until = this.deps.clock.now().getTime() + (this.deps.cacheTtlMs ?? 60_000);
    this.#cache.set(tenantId, { limits, until });
    return limits;
  }

  async #readLimits(tenantId: string): Promise<TenantLimits> {
    const limits = effectiveLimits(this.deps.defaults, await this.deps.limits.get(tenantId));
    const until = this.deps.clock.now().getTime() + (this.deps.cacheTtlMs ?? 60_000);
    this.#cache.set(tenantId, { limits, until });
    return limits;
  }

  /**
   * Counts one limited request of the tenant (and, beside it, brings a token budget near its
   * end up to date, so that {@link checkTokenBudget} needs no round trip of its own).
   *
   * @returns the request quota's state, for the `RateLimit` headers of the answer
   * @throws HttpProblem 429 when the tenant has used its requests of the current minute
   */
  async admitRequest(tenantId: string): Promise<RateLimitState> {
    const justRead = !this.#cache.has(tenantId);
    const { requestsPerMinute, tokensPerDay } = await this.limitsOf(tenantId);
    this.#allowance.add(tenantId, DAILY_REQUESTS, 1);
    const [count] = await Promise.all([
      this.#allowance.take(tenantId, REQUESTS, 1, requestsPerMinute, { justRead }),
      this.#allowance.refresh(tenantId, TOKENS, tokensPerDay),
    ]);
    const state = stateOf('default', REQUESTS, requestsPerMinute, count, this.deps.clock.now());
    if (!count.allowed) {
      throw tooMany(state, `Over ${requestsPerMinute} requests a minute; retry later`);
    }
    return state;
  }

  /**
   * Checks that the tenant has tokens left today, as this container sees it: no round trip
   * when {@link admitRequest} brought the count up to date, or the tenant is a block under
   * its budget (a block of 0 reads the count each time).
   *
   * @throws HttpProblem 429 when the daily token budget is spent
   */
  async checkTokenBudget(tenantId: string): Promise<TokenBudget> {
    const { tokensPerDay } = await this.limitsOf(tenantId);
    await this.#allowance.refresh(tenantId, TOKENS, tokensPerDay);
    const now = this.deps.clock.now();
    const count = this.#allowance.seen(tenantId, TOKENS);
    if (count.used >= tokensPerDay) {
      const state = stateOf('tokens', TOKENS, tokensPerDay, { ...count, allowed: false }, now);
      throw tooMany(state, `The daily budget of ${tokensPerDay} model tokens is spent`);
    }
    return { tokensUsed: count.used, tokensRemaining: tokensPerDay - count.used };
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
    const slotId = await this.#takeSlot(this.deps.slots, tenantId, concurrentStreams, leaseUntil, {
      policy: 'streams',
      detail: `Already ${concurrentStreams} ${concurrentStreams === 1 ? 'answer' : 'answers'} streaming at once (the most this tenant may have); retry when one ends`,
    });
    return async ({ answered = true } = {}) => {
      if (answered) this.#allowance.add(tenantId, DAILY_STREAMS, 1);
      await this.deps.slots.release(tenantId, slotId);
    };
  }

  /**
   * Takes one of the tenant's follower slots (a resume following an answer) until `leaseUntil`
   * (the follower's deadline: one that crashes without releasing frees its slot then). The
   * followers' pool is apart from the streams': a reload that resumes its own answer is never
   * refused for the answer it follows, and followers never keep a question from streaming.
   *
   * @returns the function that frees the slot
   * @throws HttpProblem 429 when the tenant already has its limit of followers
   */
  async openFollower(tenantId: string, leaseUntil: Date): Promise<ReleaseFollower> {
    const { concurrentFollowers } = await this.limitsOf(tenantId);
    const slotId = await this.#takeSlot(
      this.deps.followerSlots,
      tenantId,
      concurrentFollowers,
      leaseUntil,
      {
        policy: 'followers',
        detail: `Already ${concurrentFollowers} ${concurrentFollowers === 1 ? 'resume' : 'resumes'} following answers at once (the most this tenant may have); retry when one ends`,
      },
    );
    return () => this.deps.followerSlots.release(tenantId, slotId);
  }

  /** Takes a slot of `slots` under `limit`; throws the 429 problem `refusal` names when full. */
  async #takeSlot(
    slots: StreamSlots,
    tenantId: string,
    limit: number,
    leaseUntil: Date,
    refusal: { policy: string; detail: string },
  ): Promise<string> {
    const slotId = (this.deps.newId ?? (() => crypto.randomUUID()))();
    if (await slots.acquire(tenantId, slotId, limit, leaseUntil)) return slotId;
    throw new HttpProblem(429, {
      detail: refusal.detail,
      headers: {
        'Retry-After': String(STREAM_RETRY_SECONDS),
        'RateLimit-Policy': `"${refusal.policy}";q=${limit}`,
        RateLimit: `"${refusal.policy}";r=0;t=${STREAM_RETRY_SECONDS}`,
      },
    });
  }

  /**
   * Counts the tokens the model reports having used for the tenant (no round trip while the
   * tenant is well under its budget); returns the budget left as this container sees it.
   */
  async recordTokens(tenantId: string, usage: TokenUsage): Promise<TokenBudget> {
    const { tokensPerDay } = await this.limitsOf(tenantId);
    const count = this.#allowance.add(tenantId, TOKENS, usage.totalTokens, tokensPerDay);
    this.#allowance.add(tenantId, PROMPT_TOKENS, usage.promptTokens);
    this.#allowance.add(tenantId, COMPLETION_TOKENS, usage.completionTokens);
    return { tokensUsed: count.used, tokensRemaining: Math.max(0, tokensPerDay - count.used) };
  }

  /** Writes the counts this container keeps locally (before reading usage, or at shutdown). */
  flush(): Promise<void> {
    return this.#allowance.flush();
  }
}
