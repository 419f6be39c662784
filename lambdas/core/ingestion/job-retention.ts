/**
 * Days the indexing queue keeps a job that was never received: SQS's longest retention, so a
 * job survives two weeks of indexer outage. The deployed queue and its dead-letter queue are
 * made with it (`lib/constructs/ingestion-pipeline.ts`), and the reconciler waits as long for
 * a job a re-index queued before it takes the job for lost (`bulkPatienceMs`): one number, so
 * the two cannot drift apart.
 */
export const JOB_RETENTION_DAYS = 14;

/** {@link JOB_RETENTION_DAYS} in ms. */
export const JOB_RETENTION_MS = JOB_RETENTION_DAYS * 24 * 3_600_000;
