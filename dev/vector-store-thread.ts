import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { EmbeddedVectorStoreOptions } from '../lambdas/adapters/embedded/embedded-vector-store.js';
import { type ServedVectorStore, ThreadVectorStore } from './thread-vector-store.js';

/** What the vector store's thread is started with. */
export interface VectorStoreThreadData {
  /** The embedded store's size and files (`embeddedStoreOptions`). */
  store: EmbeddedVectorStoreOptions;
}

/** What the vector store's thread exposes to the main thread. */
export interface VectorStoreThreadApi {
  /** Answers once the store is loaded from disk (it is exposed only then). */
  ready(): Promise<boolean>;
  /** Serves the store on `port` (transferred), for another thread to wrap. */
  connect(port: MessagePort): Promise<void>;
}

/** The embedded vector store running in its worker thread. */
export interface VectorStoreThread {
  /** Resolves once the store is loaded; rejects if the thread failed to start. */
  ready: Promise<void>;
  /** The store, for this thread (chat, the documents API, the deep health check). */
  store: ThreadVectorStore;
  /** A new port serving the store, to hand to another thread (the indexer's). */
  connect(): MessagePort;
  /** Waits for every change to be on disk, then ends the thread. */
  close(): Promise<void>;
}

const ENTRY = new URL('./vector-store-thread-main.ts', import.meta.url);

/**
 * Runs the local stack's embedded vector store in a worker thread of its own, as Qdrant runs
 * as a service of its own: normalising and encoding the vectors of every upsert, keeping the
 * lexical index, serialising the change log and waiting for its syncs then never hold the
 * thread that serves the API (with the store on that thread, a whole-folder ingest kept
 * `GET /health` waiting behind each document's upsert). Chat's scans run there too. The
 * indexer thread gets a port of its own ({@link VectorStoreThread.connect}), so its upserts
 * never pass through the main thread.
 *
 * @example
 * const vectors = startVectorStoreThread({ store: embeddedStoreOptions(embedder, '.data') });
 * await vectors.ready;
 * await vectors.store.query('local', vector, { limit: 5 });
 */
export const startVectorStoreThread = (data: VectorStoreThreadData): VectorStoreThread => {
  const worker = new Worker(ENTRY, { workerData: data, execArgv: ['--import', 'tsx'] });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the vector store thread exited (${code})`)));
  });
  failed.catch(() => undefined);
  // Messages wait in the thread's port until it listens: ports connect while it loads.
  const api = Comlink.wrap<VectorStoreThreadApi>(nodeEndpoint(worker));
  const ready = Promise.race([api.ready(), failed]).then(() => undefined);
  ready.catch(() => undefined);
  const connect = () => {
    const { port1, port2 } = new MessageChannel();
    void api.connect(Comlink.transfer(port1, [port1])).catch(() => undefined);
    return port2;
  };
  const ownPort = connect();
  const store = new ThreadVectorStore(Comlink.wrap<ServedVectorStore>(nodeEndpoint(ownPort)));
  return {
    ready,
    store,
    connect,
    close: async () => {
      if (
        await ready.then(
          () => true,
          () => false,
        )
      ) {
        await Promise.race([store.flush(), failed]).catch(() => undefined);
      }
      api[Comlink.releaseProxy]();
      ownPort.close();
      await worker.terminate();
    },
  };
};
