/**
 * Entry point of the local indexer's worker thread (see {@link startIndexerThread}): the same
 * indexer handler the SQS-triggered Lambda runs, composed in its own thread, as Lambda runs it
 * in its own function. The vector store and the queue stay with the main thread (the local
 * stack's chat reads the same in-memory store) and are reached through Comlink.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Context, SQSEvent } from 'aws-lambda';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { FilesystemBlobStore } from '../lambdas/adapters/local/filesystem-blob-store.js';
import { localLambdaContext } from '../lambdas/adapters/local/local-lambda-context.js';
import { composeIndexer } from '../lambdas/composition/indexer.js';
import { composeShared } from '../lambdas/composition/shared.js';
import type { JobQueue } from '../lambdas/core/ports/job-queue.js';
import type { VectorStore } from '../lambdas/core/ports/vector-store.js';
import { createHandler } from '../lambdas/handlers/index-documents.js';
import type { IndexerThreadApi, IndexerThreadData } from './indexer-thread.js';
import { ReadableLogger } from './readable-logger.js';

const data = workerData as IndexerThreadData;
const vectors = Comlink.wrap<VectorStore>(nodeEndpoint(data.vectorsPort));
const queue = Comlink.wrap<JobQueue>(nodeEndpoint(data.queuePort));
const logger = new ReadableLogger({
  serviceName: 'rag-api-local-indexer',
  logLevel: data.logLevel,
});
const shared = composeShared(data.config, logger);
const handler = createHandler(
  await composeIndexer(data.config, shared, {
    blobs: new FilesystemBlobStore(data.blobsDir),
    vectors: vectors as unknown as VectorStore,
    queue: queue as unknown as JobQueue,
  }),
);

const api: IndexerThreadApi = {
  ready: async () => true,
  invoke: async (event: SQSEvent, remainingMs: number) =>
    handler(event, localLambdaContext('index-documents', remainingMs) as Context),
};
Comlink.expose(api, nodeEndpoint(parentPort!));
