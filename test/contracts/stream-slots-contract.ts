import { beforeEach, describe, expect, it } from 'vitest';
import type { StreamSlots } from '../../lambdas/core/ports/stream-slots.js';
import { ManualClock } from '../support/fakes/manual-clock.js';

/**
 * The behaviour every {@link StreamSlots} must have, as a vitest suite to run once per adapter.
 *
 * @example
 * describeStreamSlotsContract('InMemoryStreamSlots', async (clock) => new InMemoryStreamSlots(clock));
 */
export const describeStreamSlotsContract = (
  name: string,
  createSlots: (clock: ManualClock) => Promise<StreamSlots>,
): void => {
  describe(`${name} (StreamSlots contract)`, () => {
    let clock: ManualClock;
    let slots: StreamSlots;
    let tenant: string;
    let counter = 0;
    const lease = () => new Date(clock.now().getTime() + 300_000);

    beforeEach(async () => {
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      slots = await createSlots(clock);
      counter += 1;
      tenant = `slots-${counter}-${Date.now()}`;
    });

    it('gives exactly the limit of slots to 20 parallel opens', async () => {
      const taken = await Promise.all(
        Array.from({ length: 20 }, (_, index) => slots.acquire(tenant, `s${index}`, 4, lease())),
      );

      expect(taken.filter(Boolean)).toHaveLength(4);
    });

    it('frees a slot when its stream releases it', async () => {
      await slots.acquire(tenant, 'a', 1, lease());
      await slots.release(tenant, 'a');

      expect(await slots.acquire(tenant, 'b', 1, lease())).toBe(true);
    });

    it('frees the slot of a stream that never released it once its lease is over', async () => {
      await slots.acquire(tenant, 'crashed', 1, lease());
      clock.advance(300_001);

      expect(await slots.acquire(tenant, 'next', 1, lease())).toBe(true);
    });

    it('keeps the slots of tenants apart', async () => {
      await slots.acquire(tenant, 'a', 1, lease());

      expect(await slots.acquire(`${tenant}-other`, 'a', 1, lease())).toBe(true);
      expect(await slots.acquire(tenant, 'b', 1, lease())).toBe(false);
    });

    it('releases a stream that holds no slot without effect', async () => {
      await expect(slots.release(tenant, 'never')).resolves.toBeUndefined();
    });
  });
};
