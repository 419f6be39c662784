/** What every indexed chunk carries besides its vector; `tenantId` scopes every read. */
export interface ChunkPayload {
  tenantId: string;
  documentId: string;
  version: number;
  title: string;
  chunkIndex: number;
  text: string;
}

/** A chunk ready to be stored: deterministic id (UUIDv5), vector and payload. */
export interface ChunkPoint {
  id: string;
  vector: number[];
  payload: ChunkPayload;
}

/** A chunk found by similarity search, with its cosine score. */
export interface ScoredChunk {
  documentId: string;
  title: string;
  chunkIndex: number;
  text: string;
  score: number;
}

/** Options of {@link VectorStore.query}. */
export interface VectorQuery {
  limit: number;
  scoreThreshold?: number;
  signal?: AbortSignal;
}

/**
 * Port for the chunk index. Every method takes the tenant explicitly and every implementation
 * must filter by it: no call can see another tenant's points.
 */
export interface VectorStore {
  /** Creates the collection and payload indexes when missing; cheap to call again. */
  ensureReady(): Promise<void>;
  upsert(tenantId: string, points: ChunkPoint[]): Promise<void>;
  query(tenantId: string, vector: number[], options: VectorQuery): Promise<ScoredChunk[]>;
  /** Deletes a document's chunks; with `fromChunkIndex`, only those at or past that index. */
  deleteDocumentChunks(
    tenantId: string,
    documentId: string,
    options?: { fromChunkIndex?: number },
  ): Promise<void>;
  /** Counts the tenant's points, optionally of one document. */
  count(tenantId: string, documentId?: string): Promise<number>;
  /** Resolves when the store answers; used by the deep health check. */
  ping(): Promise<void>;
  /**
   * The chunks of a document whose index is in `[offset, offset + limit)`, in index order (the
   * versions of one index oldest first, while a new version replaces an old one); at most `limit`.
   */
  listDocumentChunks(tenantId: string, documentId: string, page: ChunkPage): Promise<StoredChunk[]>;
}

/** A page of {@link VectorStore.listDocumentChunks}: chunk indexes from `offset`, `limit` of them. */
export interface ChunkPage {
  offset: number;
  limit: number;
}

/** A chunk as stored, without its vector. */
export interface StoredChunk {
  chunkIndex: number;
  version: number;
  text: string;
}

/**
 * Orders stored chunks for {@link VectorStore.listDocumentChunks} and keeps the first `limit`.
 *
 * @example
 * firstChunks([{ chunkIndex: 1, version: 1, text: 'b' }, { chunkIndex: 0, version: 1, text: 'a' }], 1)
 * // [{ chunkIndex: 0, version: 1, text: 'a' }]
 */
export const firstChunks = (chunks: StoredChunk[], limit: number): StoredChunk[] =>
  chunks.sort((a, b) => a.chunkIndex - b.chunkIndex || a.version - b.version).slice(0, limit);
