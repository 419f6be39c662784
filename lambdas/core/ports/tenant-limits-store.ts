import type { TenantLimits } from '../limits/tenant-limits.js';

/** Port for the limits set on a tenant, stored with the tenant. */
export interface TenantLimitsStore {
  /** The tenant's overrides; undefined when none were ever set. */
  get(tenantId: string): Promise<Partial<TenantLimits> | undefined>;
  /** Sets the given overrides, keeping the others. */
  put(tenantId: string, overrides: Partial<TenantLimits>): Promise<void>;
}
