import type { Clock } from '../../../lambdas/core/ports/clock.js';
import type { StreamSlots } from '../../../lambdas/core/ports/stream-slots.js';

/** {@link StreamSlots} in a map of leases, read against the injected clock. */
export class InMemoryStreamSlots implements StreamSlots {
  readonly #leases = new Map<string, Map<string, number>>();

  constructor(private readonly clock: Clock) {}

  async acquire(
    tenantId: string,
    streamId: string,
    limit: number,
    leaseUntil: Date,
  ): Promise<boolean> {
    const now = this.clock.now().getTime();
    const leases = this.#leases.get(tenantId) ?? new Map<string, number>();
    for (const [id, until] of leases) if (until <= now) leases.delete(id);
    if (leases.size >= limit) return false;
    leases.set(streamId, leaseUntil.getTime());
    this.#leases.set(tenantId, leases);
    return true;
  }

  async release(tenantId: string, streamId: string): Promise<void> {
    this.#leases.get(tenantId)?.delete(streamId);
  }
}
