import type { ApiKeyRecord, ApiKeyStore } from '../../../lambdas/core/ports/api-key-store.js';

/** An {@link ApiKeyStore} in memory, counting lookups so tests can observe the cache. */
export class InMemoryApiKeyStore implements ApiKeyStore {
  readonly records = new Map<string, ApiKeyRecord>();
  lookups = 0;

  async put(record: ApiKeyRecord): Promise<void> {
    this.records.set(record.keyHash, { ...record });
  }

  async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    this.lookups += 1;
    const record = this.records.get(keyHash);
    return record ? { ...record } : undefined;
  }

  async list(tenantId?: string): Promise<ApiKeyRecord[]> {
    return [...this.records.values()].filter((r) => !tenantId || r.tenantId === tenantId);
  }

  async revoke(keyId: string, at: string): Promise<boolean> {
    const record = [...this.records.values()].find((r) => r.keyId === keyId);
    if (!record) return false;
    record.revokedAt ??= at;
    return true;
  }

  async touch(keyHash: string, at: string): Promise<void> {
    const record = this.records.get(keyHash);
    if (record) record.lastUsedAt = at;
  }
}
