/**
 * The key schema of the application table: the single source that both the CDK construct and
 * the dynalite test helper read, so the deployed table and the tested one cannot drift.
 */
export const APP_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
} as const;

/** Name of the global secondary index used for per-tenant listings (sessions, documents, keys). */
export const LISTING_INDEX = APP_TABLE_SCHEMA.globalSecondaryIndexes[0].indexName;
