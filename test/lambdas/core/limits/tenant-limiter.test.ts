import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../../../lambdas/core/problem.js';
import { InMemoryTenantLimitsStore } from '../../../support/fakes/in-memory-tenant-limits-store.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';
import { inMemoryTenantLimiter } from '../../../support/in-memory-tenant-limiter.js';
import { tokenUsage } from '../../../support/token-usage.js';

const DEFAULTS = {
  requestsPerMinute: 2,
  tokensPerDay: 1_000,
  concurrentStreams: 1,
  concurrentFollowers: 8,
};

const setup = () => {
  const clock = new ManualClock('2026-03-01T10:00:37.000Z');
  const limits = new InMemoryTenantLimitsStore();
  const limiter = inMemoryTenantLimiter({
    clock,
    limits,
    defaults: DEFAULTS,
  });
  return { clock, limits, limiter };
};

const refusal = async (attempt: Promise<unknown>): Promise<HttpProblem> => {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof HttpProblem)) throw new Error('expected an HttpProblem');
  return error;
};

describe('TenantLimiter', () => {
  it('admits requests within the minute and tells what is left', async () => {
    const { limiter } = setup();

    const state = await limiter.admitRequest('acme');

    expect(state).toEqual({
      policy: 'default',
      quota: 2,
      windowSeconds: 60,
      remaining: 1,
      resetSeconds: 23,
    });
  });

  it('refuses the request past the limit with 429, Retry-After and the RateLimit headers', async () => {
    const { limiter } = setup();
    await limiter.admitRequest('acme');
    await limiter.admitRequest('acme');

    const problem = await refusal(limiter.admitRequest('acme'));

    expect(problem.status).toBe(429);
    expect(problem.headers).toEqual({
      'Retry-After': '23',
      'RateLimit-Policy': '"default";q=2;w=60',
      RateLimit: '"default";r=0;t=23',
    });
  });

  it('applies the limits set on the tenant over the defaults', async () => {
    const { limiter, limits } = setup();
    await limits.put('acme', { requestsPerMinute: 1 });
    await limiter.admitRequest('acme');

    expect((await refusal(limiter.admitRequest('acme'))).status).toBe(429);
  });

  it('refuses new answers once the daily token budget is spent, until the next UTC day', async () => {
    const { limiter, clock } = setup();
    await limiter.recordTokens('acme', tokenUsage(800, 200));

    const problem = await refusal(limiter.checkTokenBudget('acme'));
    clock.advance(14 * 3_600_000);

    expect(problem.headers['RateLimit-Policy']).toBe('"tokens";q=1000;w=86400');
    expect(await limiter.checkTokenBudget('acme')).toEqual({
      tokensUsed: 0,
      tokensRemaining: 1_000,
    });
  });

  it('tells the tokens used and left after recording an answer', async () => {
    const { limiter } = setup();

    expect(await limiter.recordTokens('acme', tokenUsage(200, 100))).toEqual({
      tokensUsed: 300,
      tokensRemaining: 700,
    });
  });

  it("serves a tenant's cached limits past their period while it reads them again in the background", async () => {
    const { limiter, limits, clock } = setup();
    await limiter.limitsOf('acme');
    await limits.put('acme', { requestsPerMinute: 7 });
    clock.advance(61_000);

    const stale = await limiter.limitsOf('acme');
    await new Promise((resolve) => setImmediate(resolve));
    const fresh = await limiter.limitsOf('acme');

    expect(stale.requestsPerMinute).toBe(2);
    expect(fresh.requestsPerMinute).toBe(7);
  });

  it("reads a tenant's limits again before using them once they are two periods old", async () => {
    const { limiter, limits, clock } = setup();
    await limiter.limitsOf('acme');
    await limits.put('acme', { requestsPerMinute: 0 });
    clock.advance(3_600_000);

    const after = await limiter.limitsOf('acme');

    expect(after.requestsPerMinute).toBe(0);
  });

  describe('follower slots', () => {
    const LEASE = new Date('2026-03-01T10:15:00.000Z');

    it('refuses a follower past the limit with 429, Retry-After and the followers policy', async () => {
      const { limiter, limits } = setup();
      await limits.put('acme', { concurrentFollowers: 2 });
      await limiter.openFollower('acme', LEASE);
      await limiter.openFollower('acme', LEASE);

      const problem = await refusal(limiter.openFollower('acme', LEASE));

      expect(problem.status).toBe(429);
      expect(problem.headers).toEqual({
        'Retry-After': '5',
        'RateLimit-Policy': '"followers";q=2',
        RateLimit: '"followers";r=0;t=5',
      });
    });

    it('admits a follower again once one is released', async () => {
      const { limiter, limits } = setup();
      await limits.put('acme', { concurrentFollowers: 1 });
      const release = await limiter.openFollower('acme', LEASE);

      await release();

      await expect(limiter.openFollower('acme', LEASE)).resolves.toBeTypeOf('function');
    });

    it("admits a follower while the tenant's stream slots are all held", async () => {
      // Arrange: the tenant's one stream slot held (a reload resuming its own answer).
      const { limiter } = setup();
      await limiter.openStream('acme', LEASE);

      // Act
      const follower = limiter.openFollower('acme', LEASE);

      // Assert
      await expect(follower).resolves.toBeTypeOf('function');
    });

    it('takes no stream slot for a follower', async () => {
      // Arrange: a follower of the tenant holding its slot.
      const { limiter } = setup();
      await limiter.openFollower('acme', LEASE);

      // Act
      const stream = limiter.openStream('acme', LEASE);

      // Assert: the tenant's one stream slot is still free.
      await expect(stream).resolves.toBeTypeOf('function');
    });
  });
});
