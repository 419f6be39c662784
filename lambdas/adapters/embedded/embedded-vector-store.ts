import {
  type ChunkPage,
  type ChunkPayload,
  type ChunkPoint,
  DEFAULT_FUSION,
  firstChunks,
  modeOf,
  type ScoredChunk,
  type StoredChunk,
  type VectorQuery,
  type VectorStore,
} from '../../core/ports/vector-store.js';
import { fuseRankings, saturatedBonus } from '../../core/retrieval/rank-fusion.js';
import { passageVector, type SparseVector } from '../../core/retrieval/sparse-vector.js';
import { decodeFloat32Base64, encodeFloat32Base64 } from '../encoding/float32-base64.js';
import { AppendLog } from './append-log.js';
import { LexicalIndex } from './lexical-index.js';
import { readNdjson, removeLeftoverTemporaries, writeNdjsonAtomically } from './ndjson-file.js';
import { TopK } from './top-k.js';

/** Options of {@link EmbeddedVectorStore}. */
export interface EmbeddedVectorStoreOptions {
  /** Vector size; must match the embedder. */
  dimensions: number;
  /**
   * NDJSON snapshot that keeps the points across restarts, with its change log beside it
   * (`<filePath>.log`); memory only when absent.
   */
  filePath?: string;
  /** Log size past which the snapshot is rewritten and the log emptied, in bytes (32 MiB). */
  compactAfterBytes?: number;
}

/**
 * A point as the embedded store takes it: its vector as numbers or as float32 (the form points
 * cross threads in, see `dev/thread-vector-store.ts`).
 */
export type EmbeddedPoint = Omit<ChunkPoint, 'vector'> & { vector: ArrayLike<number> };

interface StoredPoint {
  id: string;
  /** Unit length (or all zeros), so the dot product is the cosine. */
  vector: Float32Array;
  sparse: SparseVector;
  payload: ChunkPayload;
}

/** One persisted point (`sparse` is absent in files written before hybrid search). */
interface PointRecord {
  id: string;
  vector: string;
  sparse?: SparseVector;
  payload: ChunkPayload;
}

/** One line of the change log, replayed over the snapshot at start. */
type LogEntry =
  | { op: 'upsert'; points: PointRecord[] }
  | { op: 'delete'; tenantId: string; documentId: string; fromChunkIndex?: number };

const toRecord = (point: StoredPoint): PointRecord => ({
  id: point.id,
  vector: encodeFloat32Base64(point.vector),
  sparse: point.sparse,
  payload: point.payload,
});

const isLogEntry = (value: unknown): value is LogEntry => {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<Record<string, unknown>>;
  if (entry.op === 'upsert') return Array.isArray(entry.points);
  return entry.op === 'delete' && typeof entry.tenantId === 'string';
};

/**
 * The query's non-zero dimensions, when they are few (hashed-feature vectors of a short
 * question touch a few dozen of 512): the scan then multiplies only those, which is exact
 * and many times faster than the full dot product.
 */
const nonZeroDimensions = (query: Float32Array): Int32Array | undefined => {
  const indices: number[] = [];
  for (let index = 0; index < query.length; index += 1) if (query[index] !== 0) indices.push(index);
  return indices.length * 4 < query.length ? Int32Array.from(indices) : undefined;
};

const sparseDot = (query: Float32Array, dimensions: Int32Array, vector: Float32Array): number => {
  let sum = 0;
  for (let index = 0; index < dimensions.length; index += 1) {
    const dimension = dimensions[index]!;
    sum += query[dimension]! * vector[dimension]!;
  }
  return sum;
};

const isSparseVector = (value: unknown): value is SparseVector => {
  if (typeof value !== 'object' || value === null) return false;
  const { indices, values } = value as Partial<SparseVector>;
  return Array.isArray(indices) && Array.isArray(values) && indices.length === values.length;
};

/** Ordinal string order: `localeCompare` costs more than the whole scan when scores tie. */
const ordinal = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const byScoreThenPosition = (a: ScoredChunk, b: ScoredChunk): number =>
  b.score - a.score || ordinal(a.documentId, b.documentId) || a.chunkIndex - b.chunkIndex;

const byScoredPoint = (a: [StoredPoint, number], b: [StoredPoint, number]): number =>
  b[1] - a[1] ||
  ordinal(a[0].payload.documentId, b[0].payload.documentId) ||
  a[0].payload.chunkIndex - b[0].payload.chunkIndex;

const toScoredChunk = (point: StoredPoint, score: number): ScoredChunk => {
  const { documentId, title, chunkIndex, text, page } = point.payload;
  return { documentId, title, chunkIndex, text, score, ...(page === undefined ? {} : { page }) };
};

const unit = (vector: ArrayLike<number>): Float32Array => {
  let sum = 0;
  for (let index = 0; index < vector.length; index += 1) sum += (vector[index] ?? 0) ** 2;
  const norm = Math.sqrt(sum);
  const result = new Float32Array(vector.length);
  if (norm === 0) return result;
  for (let index = 0; index < vector.length; index += 1)
    result[index] = (vector[index] ?? 0) / norm;
  return result;
};

const dot = (a: Float32Array, b: Float32Array): number => {
  let sum = 0;
  const length = Math.min(a.length, b.length);
  // Indexes stay in bounds, so the non-null assertions hold; a `?? 0` here costs a third of the scan.
  for (let index = 0; index < length; index += 1) sum += a[index]! * b[index]!;
  return sum;
};

const isRecord = (value: unknown): value is PointRecord => {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<PointRecord>;
  return (
    typeof record.id === 'string' &&
    typeof record.vector === 'string' &&
    typeof record.payload === 'object' &&
    record.payload !== null &&
    typeof record.payload.tenantId === 'string'
  );
};

/**
 * {@link VectorStore} for the local stack: points in memory, grouped by tenant, searched by
 * exact cosine similarity (a full scan, fine for the few thousand chunks of a laptop), by BM25
 * over a per-tenant inverted index ({@link LexicalIndex}, IDF from the tenant's own passages),
 * or both fused by weighted reciprocal rank fusion plus a saturated BM25 bonus, as Qdrant
 * computes it.
 *
 * With a `filePath`, the points survive restarts, and every write is durable before it
 * resolves: each upsert or delete is appended to a change log and synced to disk (concurrent
 * writes share one sync), so a document marked `ready` after its upsert keeps its chunks
 * through any crash. At first use the snapshot is read and the log replayed over it; the
 * snapshot is rewritten (atomically, through a synced rename) and the log emptied at start and
 * whenever the log outgrows `compactAfterBytes`. Vectors are stored as base64 float32. Lines
 * whose vectors have another size than `dimensions` (written for another embedder) are ignored.
 *
 * @example
 * const store = new EmbeddedVectorStore({ dimensions: 512, filePath: '.data/vectors.ndjson' });
 * await store.ensureReady();
 * await store.upsert('tenant-a', points);
 * await store.flush();
 */
export class EmbeddedVectorStore implements VectorStore {
  readonly #dimensions: number;
  readonly #filePath: string | undefined;
  readonly #tenants = new Map<string, Map<string, StoredPoint>>();
  readonly #lexical = new Map<string, LexicalIndex>();
  readonly #log: AppendLog | undefined;
  readonly #compactAfterBytes: number;
  #loggedBytes = 0;
  /** An append failed since the last snapshot: memory holds changes the disk may not. */
  #diverged = false;
  #loaded: Promise<void> | undefined;

  constructor(options: EmbeddedVectorStoreOptions) {
    this.#dimensions = options.dimensions;
    this.#filePath = options.filePath;
    this.#log =
      options.filePath === undefined ? undefined : new AppendLog(`${options.filePath}.log`);
    this.#compactAfterBytes = options.compactAfterBytes ?? 32 * 1024 * 1024;
  }

  async ensureReady(): Promise<void> {
    await this.#load();
  }

  async upsert(tenantId: string, points: readonly EmbeddedPoint[]): Promise<void> {
    await this.#load();
    for (const point of points) {
      if (point.payload.tenantId !== tenantId) {
        throw new RangeError(`point ${point.id} belongs to another tenant`);
      }
      this.#checkSize(point.vector, `point ${point.id}`);
    }
    if (points.length === 0) return;
    const stored = points.map((point) => ({
      id: point.id,
      vector: unit(point.vector),
      sparse: point.sparse ?? passageVector(point.payload.text),
      payload: { ...point.payload },
    }));
    for (const point of stored) this.#put(point);
    await this.#persist({ op: 'upsert', points: stored.map(toRecord) });
  }

  async query(tenantId: string, vector: number[], options: VectorQuery): Promise<ScoredChunk[]> {
    await this.#load();
    options.signal?.throwIfAborted();
    const mode = modeOf(options);
    if (mode !== 'lexical') this.#checkSize(vector, 'query vector');
    const tenant = this.#tenants.get(tenantId);
    if (tenant === undefined) return [];
    const limit = Math.max(0, options.limit);
    if (mode === 'dense') {
      return this.#dense(tenant, vector, options.scoreThreshold, limit).map((chunk) => ({
        ...chunk,
        denseScore: chunk.score,
      }));
    }
    if (options.lexical === undefined)
      throw new RangeError(`a ${mode} query needs a lexical vector`);
    if (mode === 'lexical') return this.#bm25(tenantId, tenant, options.lexical, limit);
    const fusion = options.fusion ?? DEFAULT_FUSION;
    const dense = this.#dense(tenant, vector, options.scoreThreshold, fusion.candidates);
    const lexical = this.#bm25(tenantId, tenant, options.lexical, fusion.candidates);
    const key = (chunk: ScoredChunk) => `${chunk.documentId}\u0000${chunk.chunkIndex}`;
    const chunks = new Map<string, ScoredChunk>(lexical.map((chunk) => [key(chunk), chunk]));
    for (const chunk of dense) chunks.set(key(chunk), { ...chunk, denseScore: chunk.score });
    const bm25 = new Map(lexical.map((chunk) => [key(chunk), chunk.score]));
    const bonus = (id: string) =>
      fusion.lexicalBonus === undefined
        ? 0
        : saturatedBonus(bm25.get(id) ?? 0, fusion.lexicalBonus);
    return fuseRankings([dense.map(key), lexical.map(key)], fusion)
      .map(([id, score]) => ({ ...chunks.get(id)!, score: score + bonus(id) }))
      .sort(byScoreThenPosition)
      .slice(0, limit);
  }

  #dense(
    tenant: Map<string, StoredPoint>,
    vector: number[],
    scoreThreshold: number | undefined,
    limit: number,
  ): ScoredChunk[] {
    const query = unit(vector);
    const threshold = scoreThreshold ?? Number.NEGATIVE_INFINITY;
    const dimensions = nonZeroDimensions(query);
    const best = new TopK<[StoredPoint, number]>(limit, byScoredPoint);
    for (const point of tenant.values()) {
      const score =
        dimensions === undefined
          ? dot(query, point.vector)
          : sparseDot(query, dimensions, point.vector);
      const worst = best.items.length === limit ? best.items.at(-1)?.[1] : undefined;
      if (score >= threshold && (worst === undefined || score >= worst)) {
        best.offer([point, score]);
      }
    }
    return best.items.map(([point, score]) => toScoredChunk(point, score));
  }

  #bm25(
    tenantId: string,
    tenant: Map<string, StoredPoint>,
    query: SparseVector,
    limit: number,
  ): ScoredChunk[] {
    const found = this.#lexical.get(tenantId)?.search(query, limit) ?? [];
    return found
      .map(([id, score]) => toScoredChunk(tenant.get(id)!, score))
      .sort(byScoreThenPosition);
  }

  async deleteDocumentChunks(
    tenantId: string,
    documentId: string,
    options: { fromChunkIndex?: number } = {},
  ): Promise<void> {
    await this.#load();
    const entry: LogEntry = {
      op: 'delete',
      tenantId,
      documentId,
      ...(options.fromChunkIndex === undefined ? {} : { fromChunkIndex: options.fromChunkIndex }),
    };
    // Also logged when nothing was left in memory after a failed append: its retry finds the
    // points gone from memory, and the delete must still reach the disk.
    if (this.#remove(entry) > 0 || this.#diverged) await this.#persist(entry);
  }

  /** Removes a document's points (from a chunk index on, if given); returns how many. */
  #remove(entry: Extract<LogEntry, { op: 'delete' }>): number {
    const tenant = this.#tenants.get(entry.tenantId);
    if (tenant === undefined) return 0;
    const from = entry.fromChunkIndex ?? Number.NEGATIVE_INFINITY;
    let deleted = 0;
    for (const [id, point] of tenant) {
      if (point.payload.documentId === entry.documentId && point.payload.chunkIndex >= from) {
        tenant.delete(id);
        this.#lexical.get(entry.tenantId)?.remove(id, point.sparse);
        deleted += 1;
      }
    }
    if (tenant.size === 0) {
      this.#tenants.delete(entry.tenantId);
      this.#lexical.delete(entry.tenantId);
    }
    return deleted;
  }

  async count(tenantId: string, documentId?: string): Promise<number> {
    await this.#load();
    const tenant = this.#tenants.get(tenantId);
    if (tenant === undefined) return 0;
    if (documentId === undefined) return tenant.size;
    let count = 0;
    for (const point of tenant.values()) if (point.payload.documentId === documentId) count += 1;
    return count;
  }

  async ping(): Promise<void> {
    await this.#load();
  }

  /** Resolves once every change so far is on disk (writes are durable when they resolve). */
  async flush(): Promise<void> {
    await this.#load();
    await this.#log?.idle();
  }

  /** Stores a point (replacing one with its id) and keeps the tenant's lexical index in step. */
  #put(point: StoredPoint): void {
    const tenantId = point.payload.tenantId;
    let tenant = this.#tenants.get(tenantId);
    if (tenant === undefined) {
      tenant = new Map();
      this.#tenants.set(tenantId, tenant);
    }
    let lexical = this.#lexical.get(tenantId);
    if (lexical === undefined) {
      lexical = new LexicalIndex();
      this.#lexical.set(tenantId, lexical);
    }
    const previous = tenant.get(point.id);
    if (previous !== undefined) lexical.remove(point.id, previous.sparse);
    tenant.set(point.id, point);
    lexical.add(point.id, point.sparse);
  }

  #checkSize(vector: ArrayLike<number>, what: string): void {
    if (vector.length !== this.#dimensions) {
      throw new RangeError(`${what} has ${vector.length} dimensions, not ${this.#dimensions}`);
    }
  }

  async #persist(entry: LogEntry): Promise<void> {
    if (this.#log === undefined) return;
    await this.#log.append([entry]).catch((error: unknown) => {
      this.#diverged = true;
      throw error;
    });
    this.#loggedBytes += entry.op === 'upsert' ? entry.points.length * this.#dimensions * 6 : 100;
    if (this.#loggedBytes > this.#compactAfterBytes) {
      this.#loggedBytes = 0;
      await this.#compact();
    }
  }

  /** Writes the snapshot of every point in memory, then empties the log it now covers. */
  async #compact(): Promise<void> {
    await this.#log?.checkpoint(async () => {
      await this.#save();
      this.#diverged = false;
    });
  }

  /** Puts a persisted point back in memory; skips one that is malformed or of another size. */
  #restore(record: unknown): void {
    if (!isRecord(record)) return;
    let vector: Float32Array;
    try {
      vector = decodeFloat32Base64(record.vector);
    } catch {
      return;
    }
    if (vector.length !== this.#dimensions) return;
    this.#put({
      id: record.id,
      vector,
      sparse: isSparseVector(record.sparse) ? record.sparse : passageVector(record.payload.text),
      payload: record.payload,
    });
  }

  #load(): Promise<void> {
    this.#loaded ??= this.#read().catch((error: unknown) => {
      this.#loaded = undefined;
      throw error;
    });
    return this.#loaded;
  }

  async #read(): Promise<void> {
    if (this.#filePath === undefined || this.#log === undefined) return;
    await removeLeftoverTemporaries(this.#filePath);
    for (const record of await readNdjson(this.#filePath)) this.#restore(record);
    const entries = await this.#log.read();
    for (const entry of entries) {
      if (!isLogEntry(entry)) continue;
      if (entry.op === 'delete') this.#remove(entry);
      else for (const record of entry.points) this.#restore(record);
    }
    // A log holding only a torn line is folded away too, so that nothing is written after it.
    if (entries.length > 0 || (await this.#log.size()) > 0) await this.#compact();
  }

  async #save(): Promise<void> {
    if (this.#filePath === undefined) return;
    const records = function* (tenants: Map<string, Map<string, StoredPoint>>) {
      for (const tenant of tenants.values()) {
        for (const point of tenant.values()) yield toRecord(point);
      }
    };
    await writeNdjsonAtomically(this.#filePath, records(this.#tenants));
  }

  async listDocumentChunks(
    tenantId: string,
    documentId: string,
    page: ChunkPage,
  ): Promise<StoredChunk[]> {
    await this.#load();
    const found: StoredChunk[] = [];
    for (const { payload } of this.#tenants.get(tenantId)?.values() ?? []) {
      const { chunkIndex, version, text } = payload;
      if (
        payload.documentId === documentId &&
        chunkIndex >= page.offset &&
        chunkIndex < page.offset + page.limit
      ) {
        found.push({ chunkIndex, version, text });
      }
    }
    return firstChunks(found, page.limit);
  }
}
