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
}
