import { MessageChannel, MessagePort, Worker } from 'node:worker_threads';
import type { Context, SQSEvent } from 'aws-lambda';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { RuntimeConfig } from '../lambdas/composition/runtime-config.js';
import type { JobQueue } from '../lambdas/core/ports/job-queue.js';
import type { VectorStore } from '../lambdas/core/ports/vector-store.js';

/** What the worker thread is started with. */
export interface IndexerThreadData {
  config: RuntimeConfig;
  blobsDir: string;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Comlink endpoints of the main thread's vector store and queue. */
  vectorsPort: MessagePort;
  queuePort: MessagePort;
}

/** What the worker thread exposes to the main thread. */
export interface IndexerThreadApi {
  /** Answers once the thread has composed its indexer (it is exposed only then). */
  ready(): Promise<boolean>;
  invoke(event: SQSEvent, remainingMs: number): Promise<unknown>;
}

/** The indexer running in its worker thread. */
export interface IndexerThread {
  /** Delivers an SQS batch, as the queue's handler: the answer is the batch response. */
  handler(event: SQSEvent, context: Context): Promise<unknown>;
  close(): Promise<void>;
}

const ENTRY = new URL('./indexer-thread-main.ts', import.meta.url);

/**
 * Runs the local stack's indexer in a worker thread, as Lambda runs the indexer in a function
 * of its own, so that chunking, embedding replies and vector building never hold the thread
 * that serves the API (with it on that thread, `GET /health` slowed during a large ingest).
 * The worker composes the same handler with its own DynamoDB client and blob store; it reaches
 * the vector store (which chat reads) and the main thread's queue (for re-queues) through
 * Comlink: the store on the given port (the vector store thread's), or this thread's store.
 *
 * @example
 * const thread = await startIndexerThread({ config, blobsDir, logLevel: 'WARN' }, vectorStore, queue);
 * new InProcessQueue({ handler: thread.handler });
 */
export const startIndexerThread = async (
  options: Pick<IndexerThreadData, 'config' | 'blobsDir' | 'logLevel'>,
  vectors: VectorStore | MessagePort,
  queue: Pick<JobQueue, 'enqueue'>,
): Promise<IndexerThread> => {
  const vectorsChannel = vectors instanceof MessagePort ? undefined : new MessageChannel();
  const queueChannel = new MessageChannel();
  if (vectorsChannel) Comlink.expose(vectors, nodeEndpoint(vectorsChannel.port1));
  Comlink.expose(queue, nodeEndpoint(queueChannel.port1));
  const vectorsPort = vectorsChannel?.port2 ?? (vectors as MessagePort);
  const data: IndexerThreadData = {
    ...options,
    vectorsPort,
    queuePort: queueChannel.port2,
  };
  const worker = new Worker(ENTRY, {
    workerData: data,
    transferList: [vectorsPort, queueChannel.port2],
    execArgv: ['--import', 'tsx'],
  });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the indexer thread exited (${code})`)));
  });
  failed.catch(() => undefined);
  const api = Comlink.wrap<IndexerThreadApi>(nodeEndpoint(worker));
  // The thread compiles and composes for a while: the stack is ready once it has.
  await Promise.race([api.ready(), failed]);
  return {
    handler: (event, context) =>
      Promise.race([api.invoke(event, context.getRemainingTimeInMillis()), failed]),
    close: async () => {
      api[Comlink.releaseProxy]();
      vectorsChannel?.port1.close();
      queueChannel.port1.close();
      await worker.terminate();
    },
  };
};
