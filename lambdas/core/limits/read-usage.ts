import type { Clock } from '../ports/clock.js';
import type { UsageMeter } from '../ports/usage-meter.js';
import type { UsageReport } from '../schemas/usage.js';
import { DAILY_REQUESTS, DAILY_STREAMS, type TenantLimiter, TOKENS } from './tenant-limiter.js';

/** Days `GET /v1/usage` reports, today included. */
export const USAGE_DAYS = 30;

const DAY_MS = 86_400_000;

/**
 * A tenant's usage: its limits, today's counts with the tokens left, and the counts of the
 * last 30 UTC days, read from the same counters the limits are enforced with (the day's
 * counters are kept 40 days).
 *
 * @example
 * const report = await new ReadUsage({ meter, limiter, clock }).execute('acme');
 */
export class ReadUsage {
  constructor(
    private readonly deps: {
      meter: UsageMeter;
      limiter: Pick<TenantLimiter, 'limitsOf'>;
      clock: Clock;
    },
  ) {}

  async execute(tenantId: string): Promise<UsageReport> {
    const today = Math.floor(this.deps.clock.now().getTime() / DAY_MS) * DAY_MS;
    const [limits, days] = await Promise.all([
      this.deps.limiter.limitsOf(tenantId),
      Promise.all(
        Array.from({ length: USAGE_DAYS }, async (_, index) => {
          const day = new Date(today - index * DAY_MS);
          const [requests, tokens, streams] = await Promise.all([
            this.deps.meter.read(tenantId, DAILY_REQUESTS, day),
            this.deps.meter.read(tenantId, TOKENS, day),
            this.deps.meter.read(tenantId, DAILY_STREAMS, day),
          ]);
          return { date: day.toISOString().slice(0, 10), requests, tokens, streams };
        }),
      ),
    ]);
    const first = days[0] ?? {
      date: new Date(today).toISOString().slice(0, 10),
      requests: 0,
      tokens: 0,
      streams: 0,
    };
    return {
      limits,
      today: { ...first, tokensRemaining: Math.max(0, limits.tokensPerDay - first.tokens) },
      days,
    };
  }
}
