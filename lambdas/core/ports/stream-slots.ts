/**
 * Port for the answers a tenant has streaming at once: each holds a slot under a lease, so a
 * stream whose function crashed (and never released) frees its slot when the lease runs out.
 */
export interface StreamSlots {
  /**
   * Takes a slot for `streamId` until `leaseUntil` unless `limit` slots with live leases are
   * held; expired leases do not count and are cleared. True when the slot was taken.
   */
  acquire(tenantId: string, streamId: string, limit: number, leaseUntil: Date): Promise<boolean>;
  /** Frees the slot of `streamId`; nothing when it holds none. */
  release(tenantId: string, streamId: string): Promise<void>;
}
