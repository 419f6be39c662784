import type { LexicalBonus, RankFusion } from '../retrieval/rank-fusion.js';
import type { SparseVector } from '../retrieval/sparse-vector.js';

/** What every indexed chunk carries besides its vector; `tenantId` scopes every read. */
export interface ChunkPayload {
  tenantId: string;
  documentId: string;
  version: number;
  title: string;
  chunkIndex: number;
  text: string;
  /** The page (from 1) the chunk's text is on, for paged documents (PDF). */
  page?: number;
}

/**
 * A chunk ready to be stored: deterministic id (UUIDv5), dense vector, the BM25 passage side
 * of its text (`sparse`, {@link passageVector} of `payload.text`, which the store computes
 * when absent) and payload.
 */
export interface ChunkPoint {
  id: string;
  vector: number[];
  sparse?: SparseVector;
  payload: ChunkPayload;
}

/**
 * A chunk found by a query, with its score: the cosine in `dense` mode, BM25 in `lexical`
 * mode, the fused reciprocal-rank score (plus the BM25 bonus, if any) in `hybrid` mode.
 */
export interface ScoredChunk {
  documentId: string;
  title: string;
  chunkIndex: number;
  text: string;
  score: number;
  /**
   * The chunk's cosine with the query vector, when the store ranked it by meaning (every chunk
   * of a `dense` query; in `hybrid` mode, each returned chunk among the dense candidates): how
   * close the question's meaning comes to the passages, which the abstention rule weighs.
   */
  denseScore?: number;
  /** The page the chunk is on, for paged documents. */
  page?: number;
}

/** Which rankings a query uses. */
export type RetrievalMode = 'dense' | 'lexical' | 'hybrid';

/** Options of {@link VectorStore.query}. */
export interface VectorQuery {
  limit: number;
  /** Leaves out dense candidates under this cosine (in `dense` and `hybrid` mode). */
  scoreThreshold?: number;
  /** The BM25 query side ({@link queryVector}); needed by `lexical` and `hybrid` mode. */
  lexical?: SparseVector;
  /** Default: `hybrid` with a `lexical` vector, `dense` without. */
  mode?: RetrievalMode;
  /** How `hybrid` fuses its two rankings (default {@link DEFAULT_FUSION}). */
  fusion?: HybridFusion;
  signal?: AbortSignal;
}

/**
 * The fusion of a hybrid query: weights are `[dense, lexical]`; `candidates` per ranking; with
 * `lexicalBonus`, each chunk's fused score also gets `saturatedBonus` of its BM25 score.
 */
export interface HybridFusion extends RankFusion {
  candidates: number;
  lexicalBonus?: LexicalBonus;
}

/**
 * Weighted RRF over 50 candidates of each ranking, Qdrant's default `k` and BM25 weighing half
 * as much again as the dense ranking: the best hit@1 and MRR on the tuning half of
 * `eval/dataset.json` (`npm run eval -- --sweep`). No `lexicalBonus`: on the tuning half it
 * gained one question of hit@5 but lost one unanswerable question to the abstention rule.
 */
export const DEFAULT_FUSION: HybridFusion = { k: 2, weights: [1, 1.5], candidates: 50 };

/** The mode a query runs in: its own, or `hybrid` when it has a lexical vector. */
export const modeOf = (query: VectorQuery): RetrievalMode =>
  query.mode ?? (query.lexical === undefined ? 'dense' : 'hybrid');

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
