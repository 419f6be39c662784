import type * as Comlink from 'comlink';
import type {
  ChunkPage,
  ChunkPoint,
  ScoredChunk,
  StoredChunk,
  VectorQuery,
  VectorStore,
} from '../lambdas/core/ports/vector-store.js';

/** What the vector store's thread serves: the port, and the embedded store's `flush`. */
export type ServedVectorStore = VectorStore & { flush(): Promise<void> };

/**
 * A {@link VectorStore} whose store runs in another thread, reached through Comlink: every
 * call is a message, so the store's work (normalising and encoding vectors, the lexical
 * index, the change log's serialisation and syncs) runs on that thread. A query's
 * `AbortSignal` cannot cross threads: it is checked before the query is sent, as the embedded
 * store checks it before its scan.
 *
 * @example
 * const store = new ThreadVectorStore(Comlink.wrap<ServedVectorStore>(nodeEndpoint(port)));
 */
export class ThreadVectorStore implements VectorStore {
  readonly #remote: Comlink.Remote<ServedVectorStore>;

  constructor(remote: Comlink.Remote<ServedVectorStore>) {
    this.#remote = remote;
  }

  ensureReady(): Promise<void> {
    return this.#remote.ensureReady();
  }

  upsert(tenantId: string, points: ChunkPoint[]): Promise<void> {
    return this.#remote.upsert(tenantId, points);
  }

  async query(tenantId: string, vector: number[], options: VectorQuery): Promise<ScoredChunk[]> {
    const { signal, ...query } = options;
    signal?.throwIfAborted();
    return this.#remote.query(tenantId, vector, query);
  }

  deleteDocumentChunks(
    tenantId: string,
    documentId: string,
    options: { fromChunkIndex?: number } = {},
  ): Promise<void> {
    return this.#remote.deleteDocumentChunks(tenantId, documentId, options);
  }

  count(tenantId: string, documentId?: string): Promise<number> {
    return this.#remote.count(tenantId, documentId);
  }

  ping(): Promise<void> {
    return this.#remote.ping();
  }

  listDocumentChunks(
    tenantId: string,
    documentId: string,
    page: ChunkPage,
  ): Promise<StoredChunk[]> {
    return this.#remote.listDocumentChunks(tenantId, documentId, page);
  }

  /** Resolves once every change so far is on disk. */
  flush(): Promise<void> {
    return this.#remote.flush();
  }
}
