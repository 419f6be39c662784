import { describe, expect, it } from 'vitest';
import { LocalAllowance } from '../../../../lambdas/core/limits/local-allowance.js';
import type { CounterSpec, UsageMeter } from '../../../../lambdas/core/ports/usage-meter.js';
import { InMemoryUsageMeter } from '../../../support/fakes/in-memory-usage-meter.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';

const REQUESTS: CounterSpec = { name: 'requests', windowSeconds: 60 };
const DAY: CounterSpec = { name: 'requests-daily', windowSeconds: 86_400 };

/** The in-memory meter, counting the calls made to it and failing them on demand. */
class CountingMeter implements UsageMeter {
  calls = 0;
  failing = false;
  constructor(readonly inner: InMemoryUsageMeter) {}
  #call<T>(run: () => Promise<T>): Promise<T> {
    this.calls += 1;
    return this.failing ? Promise.reject(new Error('table unreachable')) : run();
  }
  take: UsageMeter['take'] = (...args) => this.#call(() => this.inner.take(...args));
  add: UsageMeter['add'] = (...args) => this.#call(() => this.inner.add(...args));
  read: UsageMeter['read'] = (...args) => this.#call(() => this.inner.read(...args));
  readMany: UsageMeter['readMany'] = (...args) => this.#call(() => this.inner.readMany(...args));
}

const setup = (block = 10) => {
  const clock = new ManualClock('2026-03-01T10:00:05.000Z');
  const meter = new CountingMeter(new InMemoryUsageMeter(clock));
  const allowance = new LocalAllowance({ meter, clock, blockOf: () => block, maxAgeMs: 5_000 });
  return { clock, meter, allowance };
};

describe('LocalAllowance', () => {
  it('counts locally while the tenant is a block under the limit, after one conditional take', async () => {
    const { meter, allowance } = setup();

    await allowance.take('acme', REQUESTS, 1, 100);
    const callsAfterFirst = meter.calls;
    for (let i = 0; i < 4; i += 1) await allowance.take('acme', REQUESTS, 1, 100);

    expect(callsAfterFirst).toBe(1);
    expect(meter.calls).toBe(1);
    expect(allowance.seen('acme', REQUESTS).used).toBe(5);
  });

  it('writes the local count once it reaches half a block', async () => {
    const { meter, allowance } = setup();
    await allowance.take('acme', REQUESTS, 1, 100);

    for (let i = 0; i < 5; i += 1) await allowance.take('acme', REQUESTS, 1, 100);
    await allowance.flush();

    expect(meter.calls).toBe(2);
    expect(await meter.inner.read('acme', REQUESTS)).toBe(6);
  });

  it('takes each request with a conditional write within a block of the limit, never past it', async () => {
    const { meter, allowance } = setup();
    const results = [];

    for (let i = 0; i < 15; i += 1) results.push(await allowance.take('acme', REQUESTS, 1, 10));

    expect(results.filter((count) => count.allowed)).toHaveLength(10);
    expect(meter.calls).toBe(15);
    expect(await meter.inner.read('acme', REQUESTS)).toBe(10);
  });

  it('writes counts kept past their age on the next use', async () => {
    const { clock, meter, allowance } = setup();
    allowance.add('acme', DAY, 3);
    clock.advance(6_000);

    allowance.add('other', DAY, 1);
    await Promise.resolve();

    expect(meter.calls).toBe(1);
    expect(await meter.inner.read('acme', DAY)).toBe(3);
  });

  it('writes the count of a window that ended to that window', async () => {
    const { clock, meter, allowance } = setup();
    allowance.add('acme', DAY, 4);
    clock.advance(86_400_000);

    await allowance.flush();

    expect(await meter.inner.read('acme', DAY, new Date('2026-03-01T12:00:00.000Z'))).toBe(4);
    expect(await meter.inner.read('acme', DAY)).toBe(0);
  });

  it('keeps the counts of a write that failed and writes them with the next', async () => {
    const { meter, allowance } = setup();
    allowance.add('acme', DAY, 2, 10);
    meter.failing = true;
    await allowance.flush();

    meter.failing = false;
    allowance.add('acme', DAY, 1);
    await allowance.flush();

    expect(await meter.inner.read('acme', DAY)).toBe(3);
  });

  describe('right after the shared count was read', () => {
    const AT = new Date('2026-03-01T10:00:05.000Z');

    it('counts a take well under the limit locally, with no call', async () => {
      const { meter, allowance } = setup();
      allowance.learn('acme', REQUESTS, 40, AT);

      const count = await allowance.take('acme', REQUESTS, 1, 100, { justRead: true });

      expect(count).toMatchObject({ allowed: true, used: 41 });
      expect(meter.calls).toBe(0);
    });

    it('admits a take within a block of the limit on the count read, and writes it at once', async () => {
      const { meter, allowance } = setup();
      await meter.inner.add('acme', REQUESTS, 95);
      allowance.learn('acme', REQUESTS, 95, AT);

      const count = await allowance.take('acme', REQUESTS, 1, 100, { justRead: true });
      const callsBeforeWrite = meter.calls;
      await allowance.flush();

      expect(count).toMatchObject({ allowed: true, used: 96 });
      expect(callsBeforeWrite).toBe(1);
      expect(await meter.inner.read('acme', REQUESTS)).toBe(96);
    });

    it('refuses a take the count read leaves no room for, with no call', async () => {
      const { meter, allowance } = setup();
      allowance.learn('acme', REQUESTS, 100, AT);

      const count = await allowance.take('acme', REQUESTS, 1, 100, { justRead: true });

      expect(count.allowed).toBe(false);
      expect(meter.calls).toBe(0);
    });

    it('still makes the conditional write near the limit when the take is not the one the read was for', async () => {
      const { meter, allowance } = setup();
      await meter.inner.add('acme', REQUESTS, 95);
      allowance.learn('acme', REQUESTS, 95, AT);

      await allowance.take('acme', REQUESTS, 1, 100);

      expect(meter.calls).toBe(1);
      expect(await meter.inner.read('acme', REQUESTS)).toBe(96);
    });
  });
});
