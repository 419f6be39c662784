import type { TenantLimits } from '../limits/tenant-limits.js';
import type { TenantLimitsStore } from './tenant-limits-store.js';
import type { CounterRead, UsageMeter } from './usage-meter.js';

/** A tenant's limit overrides and some of its counts, read together. */
export interface TenantSnapshot {
  /** The overrides set on the tenant; undefined when none were ever set. */
  overrides: Partial<TenantLimits> | undefined;
  /** One count per read asked for, in order (consistent reads). */
  counts: number[];
}

/**
 * Port for reading a tenant's limits together with the counters they are enforced on, in one
 * round trip: what a container needs to decide a tenant's first request by itself.
 */
export interface TenantSnapshotReader {
  read(tenantId: string, reads: readonly CounterRead[]): Promise<TenantSnapshot>;
}

/**
 * A {@link TenantSnapshotReader} over the two ports, their reads sent at once (one round trip,
 * two calls); a store that can read both in one call implements the port itself.
 *
 * @example
 * const snapshots = parallelSnapshots(limitsStore, meter);
 */
export const parallelSnapshots = (
  limits: Pick<TenantLimitsStore, 'get'>,
  meter: Pick<UsageMeter, 'readMany'>,
): TenantSnapshotReader => ({
  read: async (tenantId, reads) => {
    const [overrides, counts] = await Promise.all([
      limits.get(tenantId),
      meter.readMany(tenantId, reads),
    ]);
    return { overrides, counts };
  },
});
