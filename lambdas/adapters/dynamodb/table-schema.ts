/**
 * The key schema of the application table: the single source that both the CDK construct and
 * the dynalite test helper read, so the deployed table and the tested one cannot drift.
 */
export const APP_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

/** Name of the global secondary index used for per-tenant listings (sessions, documents, keys). */
export const LISTING_INDEX = APP_TABLE_SCHEMA.globalSecondaryIndexes[0].indexName;

/**
 * Name of the sparse index of work in flight: only documents that are `queued`, `indexing` or
 * `deleting` carry its keys, so the reconciler reads exactly those, oldest change first.
 */
export const PENDING_INDEX = APP_TABLE_SCHEMA.globalSecondaryIndexes[1].indexName;
