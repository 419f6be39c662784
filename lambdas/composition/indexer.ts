import { DynamoDbDocumentStore } from '../adapters/dynamodb/dynamodb-document-store.js';
import { IndexDocument } from '../core/ingestion/index-document.js';
import { systemClock } from '../core/ports/clock.js';
import type { IndexerDeps } from '../handlers/index-documents.js';
import { composeAi } from './ai-components.js';
import { composeBlobStore, composeJobQueue, type IngestionAdapters } from './ingestion-adapters.js';
import type { RuntimeConfig } from './runtime-config.js';
import { composeShared, type SharedComponents } from './shared.js';

/**
 * Composes the indexer's dependencies, once per container: the document store, the raw
 * uploads (S3 `BUCKET_NAME`), the embedder and vector store, and the queue (SQS `QUEUE_URL`,
 * used only to re-queue a version a superseded run may have overwritten), unless `adapters`
 * provides them. Chunk size and overlap come from `CHUNK_SIZE_TOKENS` and
 * `CHUNK_OVERLAP_TOKENS`; the last receive from `MAX_RECEIVE_COUNT`.
 *
 * @example
 * const deps = await composeIndexer(loadRuntimeConfig(process.env));
 */
export const composeIndexer = async (
  config: RuntimeConfig,
  shared: Pick<SharedComponents, 'logger' | 'dynamo'> = composeShared(config),
  adapters: IngestionAdapters = {},
): Promise<IndexerDeps> => {
  const ai = adapters.ai ?? (await composeAi(config));
  const indexDocument = new IndexDocument({
    documents: new DynamoDbDocumentStore(shared.dynamo, config.TABLE_NAME),
    blobs: composeBlobStore(config, adapters.blobs),
    embedder: ai.embedder,
    vectors: ai.vectorStore,
    queue: composeJobQueue(config, adapters.queue),
    clock: systemClock,
    chunking: { maxTokens: config.CHUNK_SIZE_TOKENS, overlapTokens: config.CHUNK_OVERLAP_TOKENS },
  });
  return { logger: shared.logger, indexDocument, maxReceiveCount: config.MAX_RECEIVE_COUNT };
};
