import { beforeEach, describe, expect, it } from 'vitest';
import type { TenantLimitsStore } from '../../lambdas/core/ports/tenant-limits-store.js';
import type { CounterSpec, UsageMeter } from '../../lambdas/core/ports/usage-meter.js';
import { ManualClock } from '../support/fakes/manual-clock.js';

const REQUESTS: CounterSpec = { name: 'requests', windowSeconds: 60 };
const TOKENS: CounterSpec = { name: 'tokens', windowSeconds: 86_400 };

/**
 * The behaviour every {@link UsageMeter} must have, as a vitest suite to run once per adapter;
 * `createMeter` receives the clock the meter must read.
 *
 * @example
 * describeUsageMeterContract('InMemoryUsageMeter', async (clock) => new InMemoryUsageMeter(clock));
 */
export const describeUsageMeterContract = (
  name: string,
  createMeter: (clock: ManualClock) => Promise<UsageMeter>,
): void => {
  describe(`${name} (UsageMeter contract)`, () => {
    let clock: ManualClock;
    let meter: UsageMeter;
    let counter = 0;
    let tenant: string;

    beforeEach(async () => {
      clock = new ManualClock('2026-03-01T10:00:10.000Z');
      meter = await createMeter(clock);
      counter += 1;
      tenant = `meter-${counter}-${Date.now()}`;
    });

    it('counts takes up to the limit and refuses the next one', async () => {
      const taken = [];
      for (let i = 0; i < 4; i += 1) taken.push(await meter.take(tenant, REQUESTS, 1, 3));

      expect(taken.map((count) => count.allowed)).toEqual([true, true, true, false]);
      expect(taken[2]?.used).toBe(3);
      expect(await meter.read(tenant, REQUESTS)).toBe(3);
    });

    it('ends the window at the next multiple of its length', async () => {
      const count = await meter.take(tenant, REQUESTS, 1, 3);

      expect(count.resetAt.toISOString()).toBe('2026-03-01T10:01:00.000Z');
    });

    it('starts again from zero in the next window', async () => {
      await meter.take(tenant, REQUESTS, 1, 1);
      clock.advance(60_000);

      const next = await meter.take(tenant, REQUESTS, 1, 1);

      expect(next).toMatchObject({ allowed: true, used: 1 });
    });

    it('never counts past the limit under 50 concurrent takes', async () => {
      const counts = await Promise.all(
        Array.from({ length: 50 }, () => meter.take(tenant, REQUESTS, 1, 20)),
      );

      expect(counts.filter((count) => count.allowed)).toHaveLength(20);
      expect(await meter.read(tenant, REQUESTS)).toBe(20);
    });

    it('keeps the counters of tenants apart', async () => {
      await meter.take(tenant, REQUESTS, 1, 1);

      const other = await meter.take(`${tenant}-other`, REQUESTS, 1, 1);

      expect(other.allowed).toBe(true);
    });

    it('adds spent usage whatever the count, and reads it back by day', async () => {
      await meter.add(tenant, TOKENS, 700);
      const second = await meter.add(tenant, TOKENS, 500);

      expect(second).toMatchObject({ allowed: true, used: 1_200 });
      expect(await meter.read(tenant, TOKENS, new Date('2026-03-01T23:59:00.000Z'))).toBe(1_200);
      expect(await meter.read(tenant, TOKENS, new Date('2026-03-02T00:00:00.000Z'))).toBe(0);
    });

    it('adds usage counted earlier to the window it was counted in', async () => {
      clock.advance(86_400_000);

      await meter.add(tenant, TOKENS, 300, new Date('2026-03-01T23:59:00.000Z'));

      expect(await meter.read(tenant, TOKENS, new Date('2026-03-01T12:00:00.000Z'))).toBe(300);
      expect(await meter.read(tenant, TOKENS)).toBe(0);
    });

    it('reads many windows at once, in the order asked, those never counted as 0', async () => {
      await meter.add(tenant, TOKENS, 300, new Date('2026-02-27T08:00:00.000Z'));
      await meter.add(tenant, TOKENS, 40);
      await meter.take(tenant, REQUESTS, 2, 10);

      const counts = await meter.readMany(tenant, [
        { counter: TOKENS, at: new Date('2026-03-01T00:00:00.000Z') },
        { counter: TOKENS, at: new Date('2026-02-28T00:00:00.000Z') },
        { counter: TOKENS, at: new Date('2026-02-27T23:00:00.000Z') },
        { counter: REQUESTS, at: clock.now() },
      ]);

      expect(counts).toEqual([40, 0, 300, 2]);
    });

    it('refuses a take larger than the limit and counts nothing', async () => {
      const count = await meter.take(tenant, TOKENS, 11, 10);

      expect(count.allowed).toBe(false);
      expect(await meter.read(tenant, TOKENS)).toBe(0);
    });
  });
};

/**
 * The behaviour every {@link TenantLimitsStore} must have.
 *
 * @example
 * describeTenantLimitsStoreContract('InMemoryTenantLimitsStore', async () => new InMemoryTenantLimitsStore());
 */
export const describeTenantLimitsStoreContract = (
  name: string,
  createStore: () => Promise<TenantLimitsStore>,
): void => {
  describe(`${name} (TenantLimitsStore contract)`, () => {
    let store: TenantLimitsStore;
    let counter = 0;
    let tenant: string;

    beforeEach(async () => {
      store = await createStore();
      counter += 1;
      tenant = `limits-${counter}-${Date.now()}`;
    });

    it('has no overrides for a tenant never set', async () => {
      expect(await store.get(tenant)).toBeUndefined();
    });

    it('keeps the limits set earlier when others are set', async () => {
      await store.put(tenant, { requestsPerMinute: 120, tokensPerDay: 200_000 });
      await store.put(tenant, { concurrentStreams: 4 });

      expect(await store.get(tenant)).toEqual({
        requestsPerMinute: 120,
        tokensPerDay: 200_000,
        concurrentStreams: 4,
      });
    });
  });
};
