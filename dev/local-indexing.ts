import type { MessagePort } from 'node:worker_threads';
import type { SQSEvent } from 'aws-lambda';
import {
  InProcessQueue,
  type InProcessQueueOptions,
} from '../lambdas/adapters/local/in-process-queue.js';
import type { AiComponents } from '../lambdas/composition/ai-components.js';
import { composeIndexer } from '../lambdas/composition/indexer.js';
import type { RuntimeConfig } from '../lambdas/composition/runtime-config.js';
import type { TableClients } from '../lambdas/composition/table-clients.js';
import type { BlobStore } from '../lambdas/core/ports/blob-store.js';
import { createHandler as createIndexer } from '../lambdas/handlers/index-documents.js';
import { startFunctionThread } from './function-thread.js';

/** The local stand-in of SQS and the indexer behind it, and the adapters the API functions share with it. */
export interface LocalIndexing {
  queue: InProcessQueue;
  adapters: { blobs: BlobStore; queue: InProcessQueue; ai: AiComponents };
  /** Stops the queue, then the indexer's thread if it has one. */
  close(): Promise<void>;
}

/**
 * Wires the in-process queue to the same indexer handler the SQS-triggered Lambda runs. The
 * queue delivers to the indexer and the indexer re-queues through the queue, so the handler is
 * bound once both exist.
 *
 * @example
 * const { queue, adapters } = await composeLocalIndexing(config, shared, { blobs, ai });
 * createDocumentsApi(await composeDocumentsApi(config, shared, adapters));
 */
export const composeLocalIndexing = async (
  config: RuntimeConfig,
  shared: TableClients,
  parts: { blobs: BlobStore; ai: AiComponents },
  queueOptions: Omit<InProcessQueueOptions, 'handler'> = {},
): Promise<LocalIndexing> => {
  let indexer:
    | ((
        event: SQSEvent,
        context: Parameters<InProcessQueueOptions['handler']>[1],
      ) => Promise<unknown>)
    | undefined;
  const queue = new InProcessQueue({
    maxReceiveCount: config.MAX_RECEIVE_COUNT,
    batchSize: config.INDEXER_BATCH_SIZE,
    batchWindowMs: config.INDEXER_BATCH_WINDOW_MS,
    ...queueOptions,
    handler: (event, context) => {
      if (!indexer) throw new Error('the indexer is not composed yet');
      return indexer(event, context);
    },
  });
  const adapters = { ...parts, queue };
  indexer = createIndexer(await composeIndexer(config, shared, adapters));
  return { queue, adapters, close: () => queue.close() };
};

/**
 * Like {@link composeLocalIndexing}, with the indexer in a worker thread of its own (see
 * `startIndexerThread`): the local stack's default, so that indexing never holds the thread
 * serving the API. The worker reads the raw uploads from `blobsDir` (the filesystem blob
 * store's folder) and writes to the vector store on `parts.vectorsPort` (the vector store
 * thread's) or else through the main thread's, and re-queues through the main thread's queue.
 *
 * @example
 * const { queue, adapters, close } = await composeThreadedIndexing(config, { blobs, ai }, '.data/blobs', 'WARN');
 */
export const composeThreadedIndexing = async (
  config: RuntimeConfig,
  parts: { blobs: BlobStore; ai: AiComponents; vectorsPort?: MessagePort },
  blobsDir: string,
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT',
  queueOptions: Omit<InProcessQueueOptions, 'handler'> = {},
): Promise<LocalIndexing> => {
  let handler: InProcessQueueOptions['handler'] | undefined;
  const queue = new InProcessQueue({
    maxReceiveCount: config.MAX_RECEIVE_COUNT,
    batchSize: config.INDEXER_BATCH_SIZE,
    batchWindowMs: config.INDEXER_BATCH_WINDOW_MS,
    ...queueOptions,
    handler: (event, context) => {
      if (!handler) throw new Error('the indexer thread is not started yet');
      return handler(event, context);
    },
  });
  const thread = await startFunctionThread<SQSEvent, unknown>(
    new URL('./indexer-thread-main.ts', import.meta.url),
    'index-documents',
    { config, blobsDir, logLevel },
    parts.vectorsPort ?? parts.ai.vectorStore,
    queue,
  );
  handler = thread.handler;
  return {
    queue,
    adapters: { blobs: parts.blobs, ai: parts.ai, queue },
    close: async () => {
      await queue.close();
      await thread.close();
    },
  };
};
