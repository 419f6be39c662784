import type { TenantLimits } from '../../../lambdas/core/limits/tenant-limits.js';
import type { TenantLimitsStore } from '../../../lambdas/core/ports/tenant-limits-store.js';

/** A {@link TenantLimitsStore} in a map. */
export class InMemoryTenantLimitsStore implements TenantLimitsStore {
  readonly #limits = new Map<string, Partial<TenantLimits>>();

  async get(tenantId: string): Promise<Partial<TenantLimits> | undefined> {
    const limits = this.#limits.get(tenantId);
    return limits ? { ...limits } : undefined;
  }

  async put(tenantId: string, overrides: Partial<TenantLimits>): Promise<void> {
    const defined = Object.fromEntries(
      Object.entries(overrides).filter(([, value]) => value !== undefined),
    );
    this.#limits.set(tenantId, { ...this.#limits.get(tenantId), ...defined });
  }
}
