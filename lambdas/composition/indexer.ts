import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDbDocumentStore } from '../adapters/dynamodb/dynamodb-document-store.js';
import { DynamoDbUsageMeter } from '../adapters/dynamodb/dynamodb-usage-meter.js';
import { DeleteDocument } from '../core/ingestion/delete-document.js';
import { HandleObjectEvents } from '../core/ingestion/handle-object-events.js';
import { IndexBatch } from '../core/ingestion/index-batch.js';
import { IndexDocument } from '../core/ingestion/index-document.js';
import { RateLimitedEmbedder } from '../core/ingestion/rate-limited-embedder.js';
import { UploadDocument } from '../core/ingestion/upload-document.js';
import { IndexingUsage } from '../core/limits/indexing-usage.js';
import { systemClock } from '../core/ports/clock.js';
import { aiProvider, composedEmbedderShape, composeEmbedder } from './ai-components.js';
import {
  composeBlobStore,
  composeIngestionVectorStore,
  composeJobQueue,
  composeReaders,
  type IngestionAdapters,
} from './ingestion-adapters.js';
import type { RuntimeConfig } from './runtime-config.js';
import { composeTableClients, type TableClients } from './table-clients.js';

/** Dependencies of the indexer function. */
export interface IndexerDeps {
  logger: Logger;
  /** Indexes the batch's jobs together (shared embedding requests). */
  indexBatch: Pick<IndexBatch, 'execute'>;
  /** Records a version's failure on its last receive, and undoes what its run left behind. */
  indexDocument: Pick<IndexDocument, 'giveUp'>;
  /** Turns S3 object events (presigned uploads, drop folders) into document changes. */
  objectEvents: Pick<HandleObjectEvents, 'execute'>;
  /** The queue's `maxReceiveCount`: the receive on which a failing record is given up. */
  maxReceiveCount: number;
  /** Time kept before the function's timeout to stop work and record failures. Default 5 s. */
  deadlineMarginMs?: number;
}

/**
 * Composes the indexer's dependencies, once per container: the document store, the raw
 * uploads (S3 `BUCKET_NAME`), the embedder (with no SDK retries: SQS retries the record) and
 * the vector store (the given one, which the local stack shares with chat), and the queue (SQS `QUEUE_URL`,
 * used only to re-queue a version a superseded run may have overwritten), unless `adapters`
 * provides them. Chunk size and overlap come from `CHUNK_SIZE_TOKENS` and
 * `CHUNK_OVERLAP_TOKENS`; the last receive from `MAX_RECEIVE_COUNT`. The chunks of a batch's
 * jobs share embedding requests, at most `EMBEDDING_MAX_CONCURRENCY` at once, kept under
 * `EMBEDDING_REQUESTS_PER_MINUTE` and `EMBEDDING_TOKENS_PER_MINUTE` by waiting. S3 object
 * events (presigned uploads, drop folders) are handled with the same adapters, objects up to
 * `MAX_PRESIGNED_UPLOAD_BYTES`.
 *
 * @example
 * const deps = await composeIndexer(loadRuntimeConfig(process.env));
 */
export const composeIndexer = async (
  config: RuntimeConfig,
  shared: TableClients = composeTableClients(config),
  adapters: IngestionAdapters = {},
): Promise<IndexerDeps> => {
  // A throttled or failing embedding call fails the record at once, so that SQS retries it
  // later (visibility timeout) instead of the invocation waiting out Retry-After inside Lambda.
  // The embedder's key and the vector store's are read at the same time.
  const [provider, vectors] = await Promise.all([
    composeEmbedder({ ...config, OPENAI_MAX_RETRIES: 0 }),
    composeIngestionVectorStore(config, adapters, composedEmbedderShape(config)),
  ]);
  // The offline embedder runs in process: only a real provider has a rate to keep under.
  const embedder =
    aiProvider(config) === 'offline'
      ? provider
      : new RateLimitedEmbedder(provider, {
          requestsPerMinute: config.EMBEDDING_REQUESTS_PER_MINUTE,
          tokensPerMinute: config.EMBEDDING_TOKENS_PER_MINUTE,
        });
  const documents = new DynamoDbDocumentStore(shared.dynamo, config.TABLE_NAME);
  const blobs = composeBlobStore(config, adapters.blobs);
  const queue = composeJobQueue(config, adapters.queue);
  const maxBytes = config.MAX_PRESIGNED_UPLOAD_BYTES;
  const readers = composeReaders();
  const indexDocument = new IndexDocument({
    documents,
    blobs,
    embedder,
    vectors,
    queue,
    clock: systemClock,
    chunking: { maxTokens: config.CHUNK_SIZE_TOKENS, overlapTokens: config.CHUNK_OVERLAP_TOKENS },
    readers,
    partChunks: config.INDEX_PART_CHUNKS,
  });
  return {
    logger: shared.logger,
    indexBatch: new IndexBatch({
      indexDocument,
      embedder,
      maxConcurrentRequests: config.EMBEDDING_MAX_CONCURRENCY,
      usage: new IndexingUsage(
        new DynamoDbUsageMeter(shared.dynamo, {
          tableName: config.TABLE_NAME,
          clock: systemClock,
          shards: config.USAGE_COUNTER_SHARDS,
        }),
      ),
      onUsageError: (error) =>
        shared.logger.warn('counting indexing usage failed', { error: error as Error }),
    }),
    indexDocument,
    objectEvents: new HandleObjectEvents({
      documents,
      blobs,
      queue,
      uploadDocument: new UploadDocument({
        documents,
        blobs,
        queue,
        clock: systemClock,
        maxBytes,
        readers,
      }),
      deleteDocument: new DeleteDocument({ documents, blobs, vectors, queue, clock: systemClock }),
      clock: systemClock,
      maxBytes,
    }),
    maxReceiveCount: config.MAX_RECEIVE_COUNT,
  };
};
