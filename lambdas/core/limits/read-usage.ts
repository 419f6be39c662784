import type { Clock } from '../ports/clock.js';
import type { CounterSpec, UsageMeter } from '../ports/usage-meter.js';
import type { DayUsage, UsageReport } from '../schemas/usage.js';
import {
  COMPLETION_TOKENS,
  DAILY_CHUNKS,
  DAILY_DOCUMENTS,
  DAILY_REQUESTS,
  DAILY_STREAMS,
  EMBEDDING_TOKENS,
  PROMPT_TOKENS,
  type TenantLimiter,
  TOKENS,
} from './tenant-limiter.js';

/** Days `GET /v1/usage` reports, today included. */
export const USAGE_DAYS = 30;

const DAY_MS = 86_400_000;

/** Each field of a day's usage and the counter it is read from. */
const FIELDS = {
  requests: DAILY_REQUESTS,
  tokens: TOKENS,
  promptTokens: PROMPT_TOKENS,
  completionTokens: COMPLETION_TOKENS,
  embeddingTokens: EMBEDDING_TOKENS,
  streams: DAILY_STREAMS,
  documents: DAILY_DOCUMENTS,
  chunks: DAILY_CHUNKS,
} satisfies Record<Exclude<keyof DayUsage, 'date'>, CounterSpec>;

/**
 * A tenant's usage: its limits, today's counts with the tokens left, and the counts of the
 * last 30 UTC days, read from the same counters the limits are enforced with (the day's
 * counters are kept 40 days) in one batch ({@link UsageMeter.readMany}), after this
 * container's locally kept counts are written.
 *
 * @example
 * const report = await new ReadUsage({ meter, limiter, clock }).execute('acme');
 */
export class ReadUsage {
  constructor(
    private readonly deps: {
      meter: UsageMeter;
      limiter: Pick<TenantLimiter, 'limitsOf' | 'flush'>;
      clock: Clock;
    },
  ) {}

  async execute(tenantId: string): Promise<UsageReport> {
    const today = Math.floor(this.deps.clock.now().getTime() / DAY_MS) * DAY_MS;
    const [limits] = await Promise.all([
      this.deps.limiter.limitsOf(tenantId),
      this.deps.limiter.flush(),
    ]);
    const dates = Array.from(
      { length: USAGE_DAYS },
      (_, index) => new Date(today - index * DAY_MS),
    );
    const fields = Object.entries(FIELDS);
    const counts = await this.deps.meter.readMany(
      tenantId,
      dates.flatMap((at) => fields.map(([, counter]) => ({ counter, at }))),
    );
    const days = dates.map(
      (at, day): DayUsage => ({
        date: at.toISOString().slice(0, 10),
        ...(Object.fromEntries(
          fields.map(([field], index) => [field, counts[day * fields.length + index] ?? 0]),
        ) as Omit<DayUsage, 'date'>),
      }),
    );
    const first = days[0] as DayUsage;
    return {
      limits,
      today: { ...first, tokensRemaining: Math.max(0, limits.tokensPerDay - first.tokens) },
      days,
    };
  }
}
