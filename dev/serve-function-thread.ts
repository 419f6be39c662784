import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { FilesystemBlobStore } from '../lambdas/adapters/local/filesystem-blob-store.js';
import { localLambdaContext } from '../lambdas/adapters/local/local-lambda-context.js';
import { composeShared, type SharedComponents } from '../lambdas/composition/shared.js';
import type { JobQueue } from '../lambdas/core/ports/job-queue.js';
import type { VectorStore } from '../lambdas/core/ports/vector-store.js';
import type { FunctionThreadApi, FunctionThreadData } from './function-thread.js';
import { ReadableLogger } from './readable-logger.js';
import { type ServedVectorStore, ThreadVectorStore } from './thread-vector-store.js';

/** What a function thread's composition is given. */
export interface FunctionThreadParts {
  data: FunctionThreadData;
  shared: SharedComponents;
  blobs: FilesystemBlobStore;
  vectors: VectorStore;
  queue: JobQueue;
}

/**
 * The worker side of `startFunctionThread`: composes the function's handler from the parts
 * the thread was started with (its own DynamoDB client, logger and blob store; the queue
 * through Comlink, the vector store through `ThreadVectorStore`, which keeps abort signals on
 * this side and errors' classes across) and exposes it to the main thread.
 *
 * @example
 * // indexer-thread-main.ts
 * await serveFunctionThread('index-documents', async ({ data, shared, blobs, vectors, queue }) =>
 *   createHandler(await composeIndexer(data.config, shared, { blobs, vectors, queue })));
 */
export const serveFunctionThread = async (
  name: string,
  compose: (
    parts: FunctionThreadParts,
  ) => Promise<(event: never, context: Context) => Promise<unknown>>,
): Promise<void> => {
  const data = workerData as FunctionThreadData;
  const logger = new ReadableLogger({
    serviceName: `rag-api-local-${name}`,
    logLevel: data.logLevel,
  });
  const handler = await compose({
    data,
    shared: composeShared(data.config, logger),
    blobs: new FilesystemBlobStore(data.blobsDir),
    vectors: new ThreadVectorStore(Comlink.wrap<ServedVectorStore>(nodeEndpoint(data.vectorsPort))),
    queue: Comlink.wrap<JobQueue>(nodeEndpoint(data.queuePort)) as unknown as JobQueue,
  });
  const api: FunctionThreadApi = {
    ready: async () => true,
    invoke: async (event, remainingMs) =>
      handler(event as never, localLambdaContext(name, remainingMs)),
  };
  Comlink.expose(api, nodeEndpoint(parentPort!));
};
