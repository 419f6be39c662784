import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDbDocumentStore } from '../adapters/dynamodb/dynamodb-document-store.js';
import { AcceptUpload } from '../core/ingestion/accept-upload.js';
import { DeleteDocument } from '../core/ingestion/delete-document.js';
import { JOB_RETENTION_MS } from '../core/ingestion/job-retention.js';
import { ReconcileDocuments } from '../core/ingestion/reconcile-documents.js';
import { systemClock } from '../core/ports/clock.js';
import {
  composeBlobStore,
  composeJobQueue,
  composeVectorStoreOnFirstUse,
  type IngestionAdapters,
} from './ingestion-adapters.js';
import type { RuntimeConfig } from './runtime-config.js';
import { composeTableClients, type TableClients } from './table-clients.js';

/** Time a presigned upload and its event may take past the URL's expiry, in s. */
const UPLOAD_MARGIN_SECONDS = 300;

/** Dependencies of the reconciler function. */
export interface ReconcilerDeps {
  logger: Logger;
  reconcile: Pick<ReconcileDocuments, 'execute'>;
}

/**
 * Composes the reconciler's dependencies, once per container: the document store, the
 * indexing queue (SQS `QUEUE_URL`) for re-queues, and what finishing a deletion needs (raw
 * uploads in S3 `BUCKET_NAME`, the vector store), unless `adapters` provides them; a presigned
 * upload whose event was lost is taken in as the indexer would, objects up to
 * `MAX_PRESIGNED_UPLOAD_BYTES`. Staleness
 * and re-queue limits come from `RECONCILE_STALE_AFTER_SECONDS`, `RECONCILE_MAX_REQUEUES` and
 * `MAX_RECEIVE_COUNT`; a version waits for its presigned upload `UPLOAD_URL_EXPIRY_SECONDS`
 * plus 5 minutes before it is failed, one a re-index queued the queue's retention
 * (`JOB_RETENTION_MS`, 14 days, the deployed queue's own);
 * `overrides` replace the first two and the last (the local stack's pass at start uses
 * 0 and no re-queue limit: nothing can be in flight then, and the queue that held the jobs is
 * gone, which says nothing about the versions themselves).
 *
 * @example
 * const deps = await composeReconciler(loadRuntimeConfig(process.env));
 */
export const composeReconciler = async (
  config: RuntimeConfig,
  shared: TableClients = composeTableClients(config),
  adapters: IngestionAdapters = {},
  overrides: {
    staleAfterSeconds?: number;
    maxRequeues?: number;
    bulkPatienceSeconds?: number;
  } = {},
): Promise<ReconcilerDeps> => {
  const documents = new DynamoDbDocumentStore(shared.dynamo, config.TABLE_NAME);
  // Only a halfway deletion uses the vector store: it is built on the first one.
  const vectors = composeVectorStoreOnFirstUse(config, adapters);
  const blobs = composeBlobStore(config, adapters.blobs);
  const queue = composeJobQueue(config, adapters.queue);
  return {
    logger: shared.logger,
    reconcile: new ReconcileDocuments({
      documents,
      queue,
      deleteDocument: new DeleteDocument({ documents, blobs, vectors, clock: systemClock }),
      acceptUpload: new AcceptUpload({
        documents,
        blobs,
        queue,
        clock: systemClock,
        maxBytes: config.MAX_PRESIGNED_UPLOAD_BYTES,
      }),
      clock: systemClock,
      staleAfterMs: (overrides.staleAfterSeconds ?? config.RECONCILE_STALE_AFTER_SECONDS) * 1000,
      maxReceiveCount: config.MAX_RECEIVE_COUNT,
      maxRequeues: overrides.maxRequeues ?? config.RECONCILE_MAX_REQUEUES,
      uploadWindowMs: (config.UPLOAD_URL_EXPIRY_SECONDS + UPLOAD_MARGIN_SECONDS) * 1000,
      bulkPatienceMs:
        overrides.bulkPatienceSeconds === undefined
          ? JOB_RETENTION_MS
          : overrides.bulkPatienceSeconds * 1000,
    }),
  };
};
