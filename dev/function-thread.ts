import { MessageChannel, MessagePort, Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { RuntimeConfig } from '../lambdas/composition/runtime-config.js';
import type { JobQueue } from '../lambdas/core/ports/job-queue.js';
import type { VectorStore } from '../lambdas/core/ports/vector-store.js';
import { servedVectorStore } from './thread-vector-store.js';

/** Where a function thread signs presigned uploads for (the local stack's own S3 endpoint). */
export interface ThreadUploadSigning {
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** What a function's worker thread is started with. */
export interface FunctionThreadData {
  config: RuntimeConfig;
  blobsDir: string;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Comlink endpoints of the vector store and of the main thread's queue. */
  vectorsPort: MessagePort;
  queuePort: MessagePort;
  uploads?: ThreadUploadSigning;
}

/** What a function's worker thread exposes to the main thread. */
export interface FunctionThreadApi {
  /** Answers once the thread has composed its handler (it is exposed only then). */
  ready(): Promise<boolean>;
  invoke(event: unknown, remainingMs: number): Promise<unknown>;
}

/** A function running in its worker thread. */
export interface FunctionThread<TEvent, TResult> {
  /** Invokes the function with an event, as Lambda would. */
  handler(event: TEvent, context: Context): Promise<TResult>;
  close(): Promise<void>;
}

/** A channel whose first port serves `store` to the thread given the second. */
const servingChannel = (store: VectorStore): MessageChannel => {
  const channel = new MessageChannel();
  Comlink.expose(servedVectorStore(store), nodeEndpoint(channel.port1));
  return channel;
};

/**
 * Runs one of the stack's functions in a worker thread, as Lambda runs each function in a
 * sandbox of its own, so that its work never holds the thread serving the other functions
 * (with the indexer and the uploads on that thread, `GET /health` slowed during a large
 * ingest). The worker (`entry`, see `serveFunctionThread`) composes the same handler with its
 * own DynamoDB client and blob store; it reaches the vector store and the main thread's queue
 * through Comlink: the store on the given port (the vector store thread's), or this thread's
 * store. Events and results cross by structured clone, as they cross Lambda's boundary as JSON.
 *
 * @example
 * const indexer = await startFunctionThread<SQSEvent, SQSBatchResponse>(
 *   new URL('./indexer-thread-main.ts', import.meta.url), 'index-documents',
 *   { config, blobsDir, logLevel: 'WARN' }, vectorStore, queue);
 * new InProcessQueue({ handler: indexer.handler });
 */
export const startFunctionThread = async <TEvent, TResult>(
  entry: URL,
  name: string,
  options: Pick<FunctionThreadData, 'config' | 'blobsDir' | 'logLevel' | 'uploads'>,
  vectors: VectorStore | MessagePort,
  queue: Pick<JobQueue, 'enqueue'>,
): Promise<FunctionThread<TEvent, TResult>> => {
  const vectorsChannel = vectors instanceof MessagePort ? undefined : servingChannel(vectors);
  const queueChannel = new MessageChannel();
  Comlink.expose(queue, nodeEndpoint(queueChannel.port1));
  const vectorsPort = vectorsChannel?.port2 ?? (vectors as MessagePort);
  const data: FunctionThreadData = { ...options, vectorsPort, queuePort: queueChannel.port2 };
  const worker = new Worker(entry, {
    workerData: data,
    transferList: [vectorsPort, queueChannel.port2],
    execArgv: ['--import', 'tsx'],
  });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the ${name} thread exited (${code})`)));
  });
  failed.catch(() => undefined);
  const api = Comlink.wrap<FunctionThreadApi>(nodeEndpoint(worker));
  // The thread compiles and composes for a while: the stack is ready once it has.
  await Promise.race([api.ready(), failed]);
  return {
    handler: (event, context) =>
      Promise.race([
        api.invoke(event, context.getRemainingTimeInMillis()) as Promise<TResult>,
        failed,
      ]),
    close: async () => {
      api[Comlink.releaseProxy]();
      vectorsChannel?.port1.close();
      queueChannel.port1.close();
      await worker.terminate();
    },
  };
};
