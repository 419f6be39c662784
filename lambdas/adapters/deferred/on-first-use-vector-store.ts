import type {
  ChunkPage,
  ChunkPoint,
  ScoredChunk,
  StoredChunk,
  VectorQuery,
  VectorStore,
} from '../../core/ports/vector-store.js';

/**
 * A {@link VectorStore} built on its first call, for a function that needs the store on some
 * routes only (the documents function: deletes and chunk listings). Building it reads Qdrant's
 * key from Secrets Manager and constructs the client, whose constructor loads Node's `fetch`
 * implementation (undici, 50 ms here); deferred, none of that is in the cold start of the
 * requests that never touch the store (uploads, listings). A failed build is not kept: the
 * next call tries again, so a Secrets Manager outage fails those calls (503) and no others.
 *
 * @example
 * const vectors = new OnFirstUseVectorStore(() => composeVectorStore(config, shape));
 * await vectors.deleteDocumentChunks('tenant-a', 'doc-1'); // builds the store, then deletes
 */
export class OnFirstUseVectorStore implements VectorStore {
  readonly #build: () => Promise<VectorStore>;
  #built: Promise<VectorStore> | undefined;

  constructor(build: () => Promise<VectorStore>) {
    this.#build = build;
  }

  #store(): Promise<VectorStore> {
    this.#built ??= this.#build().catch((error: unknown) => {
      this.#built = undefined;
      throw error;
    });
    return this.#built;
  }

  async ensureReady(): Promise<void> {
    return (await this.#store()).ensureReady();
  }

  async upsert(tenantId: string, points: ChunkPoint[]): Promise<void> {
    return (await this.#store()).upsert(tenantId, points);
  }

  async query(tenantId: string, vector: number[], options: VectorQuery): Promise<ScoredChunk[]> {
    return (await this.#store()).query(tenantId, vector, options);
  }

  async deleteDocumentChunks(
    tenantId: string,
    documentId: string,
    options?: { fromChunkIndex?: number },
  ): Promise<void> {
    return (await this.#store()).deleteDocumentChunks(tenantId, documentId, options);
  }

  async count(tenantId: string, documentId?: string): Promise<number> {
    return (await this.#store()).count(tenantId, documentId);
  }

  async ping(): Promise<void> {
    return (await this.#store()).ping();
  }

  async listDocumentChunks(
    tenantId: string,
    documentId: string,
    page: ChunkPage,
  ): Promise<StoredChunk[]> {
    return (await this.#store()).listDocumentChunks(tenantId, documentId, page);
  }
}
