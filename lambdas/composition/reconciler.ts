import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDbDocumentStore } from '../adapters/dynamodb/dynamodb-document-store.js';
import { DeleteDocument } from '../core/ingestion/delete-document.js';
import { ReconcileDocuments } from '../core/ingestion/reconcile-documents.js';
import { systemClock } from '../core/ports/clock.js';
import { composeVectorStore, embeddingShape } from './ai-components.js';
import { composeBlobStore, composeJobQueue, type IngestionAdapters } from './ingestion-adapters.js';
import type { RuntimeConfig } from './runtime-config.js';
import { composeShared, type SharedComponents } from './shared.js';

/** Dependencies of the reconciler function. */
export interface ReconcilerDeps {
  logger: Logger;
  reconcile: Pick<ReconcileDocuments, 'execute'>;
}

/**
 * Composes the reconciler's dependencies, once per container: the document store, the
 * indexing queue (SQS `QUEUE_URL`) for re-queues, and what finishing a deletion needs (raw
 * uploads in S3 `BUCKET_NAME`, the vector store), unless `adapters` provides them. Staleness
 * and re-queue limits come from `RECONCILE_STALE_AFTER_SECONDS`, `RECONCILE_MAX_REQUEUES` and
 * `MAX_RECEIVE_COUNT`; `staleAfterSeconds` overrides the first (the local stack passes 0 at
 * start, when no work can be in flight).
 *
 * @example
 * const deps = await composeReconciler(loadRuntimeConfig(process.env));
 */
export const composeReconciler = async (
  config: RuntimeConfig,
  shared: Pick<SharedComponents, 'logger' | 'dynamo'> = composeShared(config),
  adapters: IngestionAdapters = {},
  staleAfterSeconds = config.RECONCILE_STALE_AFTER_SECONDS,
): Promise<ReconcilerDeps> => {
  const documents = new DynamoDbDocumentStore(shared.dynamo, config.TABLE_NAME);
  const vectors =
    adapters.ai?.vectorStore ?? (await composeVectorStore(config, embeddingShape(config)));
  return {
    logger: shared.logger,
    reconcile: new ReconcileDocuments({
      documents,
      queue: composeJobQueue(config, adapters.queue),
      deleteDocument: new DeleteDocument({
        documents,
        blobs: composeBlobStore(config, adapters.blobs),
        vectors,
        clock: systemClock,
      }),
      clock: systemClock,
      staleAfterMs: staleAfterSeconds * 1000,
      maxReceiveCount: config.MAX_RECEIVE_COUNT,
      maxRequeues: config.RECONCILE_MAX_REQUEUES,
    }),
  };
};
