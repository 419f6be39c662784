import type {
  ChunkPage,
  ChunkPoint,
  ScoredChunk,
  StoredChunk,
  VectorQuery,
  VectorStore,
} from '../../core/ports/vector-store.js';

/**
 * A {@link VectorStore} for a change of collection layout: every write goes to the new store
 * and to the previous one, every read (queries, counts) to the previous one. Chat keeps
 * answering from the complete previous collection — new uploads included — while
 * `npm run reindex` fills the new one; once it is complete, the previous collection is dropped
 * from the configuration (`QDRANT_PREVIOUS_COLLECTION`) and reads move to the new store.
 *
 * @example
 * const store = new MigratingVectorStore(hybridStore, singleVectorStore);
 */
export class MigratingVectorStore implements VectorStore {
  constructor(
    private readonly next: VectorStore,
    private readonly previous: VectorStore,
  ) {}

  async ensureReady(): Promise<void> {
    await Promise.all([this.next.ensureReady(), this.previous.ensureReady()]);
  }

  async upsert(tenantId: string, points: ChunkPoint[]): Promise<void> {
    await this.next.upsert(tenantId, points);
    await this.previous.upsert(tenantId, points);
  }

  query(tenantId: string, vector: number[], options: VectorQuery): Promise<ScoredChunk[]> {
    return this.previous.query(tenantId, vector, options);
  }

  async deleteDocumentChunks(
    tenantId: string,
    documentId: string,
    options?: { fromChunkIndex?: number },
  ): Promise<void> {
    await this.next.deleteDocumentChunks(tenantId, documentId, options);
    await this.previous.deleteDocumentChunks(tenantId, documentId, options);
  }

  count(tenantId: string, documentId?: string): Promise<number> {
    return this.previous.count(tenantId, documentId);
  }

  async ping(): Promise<void> {
    await Promise.all([this.next.ping(), this.previous.ping()]);
  }

  /** Read from the previous store, like every other read: it is the complete one. */
  listDocumentChunks(
    tenantId: string,
    documentId: string,
    page: ChunkPage,
  ): Promise<StoredChunk[]> {
    return this.previous.listDocumentChunks(tenantId, documentId, page);
  }
}
