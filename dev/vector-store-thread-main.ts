/**
 * Entry point of the embedded vector store's worker thread (see {@link startVectorStoreThread}):
 * the embedded store, loaded from its files, exposed with Comlink on every port the main thread
 * connects (its own, the indexer thread's).
 */
import type { MessagePort } from 'node:worker_threads';
import { parentPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { EmbeddedVectorStore } from '../lambdas/adapters/embedded/embedded-vector-store.js';
import type { ServedVectorStore } from './thread-vector-store.js';
import type { VectorStoreThreadApi, VectorStoreThreadData } from './vector-store-thread.js';

const store = new EmbeddedVectorStore((workerData as VectorStoreThreadData).store);
await store.ensureReady();
// Served as it is: the embedded store takes the float32 vectors points cross threads with.
const served: ServedVectorStore = store;

const api: VectorStoreThreadApi = {
  ready: async () => true,
  connect: async (port: MessagePort) => {
    Comlink.expose(served, nodeEndpoint(port));
  },
};
Comlink.expose(api, nodeEndpoint(parentPort!));
