import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantSnapshot, TenantSnapshotReader } from '../../core/ports/tenant-snapshot.js';
import type { CounterRead } from '../../core/ports/usage-meter.js';
import { batchGetItems, keyId } from './batch-get-items.js';
import { limitsOfItem, tenantLimitsKey } from './dynamodb-tenant-limits-store.js';
import { counterReads } from './dynamodb-usage-meter.js';

/** Options of {@link DynamoDbTenantSnapshots}. */
export interface DynamoDbTenantSnapshotsOptions {
  tableName: string;
  /** The counters' shards: the same as the {@link DynamoDbUsageMeter}'s (default 1). */
  shards?: number;
}

/**
 * {@link TenantSnapshotReader} on the application table: the tenant's limits item and every
 * shard of the counters asked for, in one consistent `BatchGetItem` (one call while they fit
 * 100 keys).
 *
 * @example
 * const snapshot = await new DynamoDbTenantSnapshots(client, { tableName }).read('acme', reads);
 */
export class DynamoDbTenantSnapshots implements TenantSnapshotReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: DynamoDbTenantSnapshotsOptions,
  ) {}

  async read(tenantId: string, reads: readonly CounterRead[]): Promise<TenantSnapshot> {
    const shards = Math.max(1, Math.floor(this.options.shards ?? 1));
    const { keys, countsOf } = counterReads(tenantId, reads, shards);
    const limitsKey = tenantLimitsKey(tenantId);
    const items = await batchGetItems(this.client, [limitsKey, ...keys], {
      tableName: this.options.tableName,
      consistentRead: true,
    });
    return { overrides: limitsOfItem(items.get(keyId(limitsKey))), counts: countsOf(items) };
  }
}
