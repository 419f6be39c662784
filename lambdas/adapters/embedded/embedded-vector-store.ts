import {
  type ChunkPayload,
  type ChunkPoint,
  DEFAULT_FUSION,
  modeOf,
  type ScoredChunk,
  type VectorQuery,
  type VectorStore,
} from '../../core/ports/vector-store.js';
import { fuseRankings } from '../../core/retrieval/rank-fusion.js';
import { passageVector, type SparseVector } from '../../core/retrieval/sparse-vector.js';
import { decodeFloat32Base64, encodeFloat32Base64 } from './float32-base64.js';
import { LexicalIndex } from './lexical-index.js';
import { readNdjson, writeNdjsonAtomically } from './ndjson-file.js';
import { WriteBehind } from './write-behind.js';

/** Options of {@link EmbeddedVectorStore}. */
export interface EmbeddedVectorStoreOptions {
  /** Vector size; must match the embedder. */
  dimensions: number;
  /** NDJSON file that keeps the points across restarts; memory only when absent. */
  filePath?: string;
  /** Delay that coalesces changes into one file write, in ms (default 50). */
  writeDelayMs?: number;
}

interface StoredPoint {
  id: string;
  /** Unit length (or all zeros), so the dot product is the cosine. */
  vector: Float32Array;
  sparse: SparseVector;
  payload: ChunkPayload;
}

/** One line of the persistence file (`sparse` is absent in files written before hybrid search). */
interface PointRecord {
  id: string;
  vector: string;
  sparse?: SparseVector;
  payload: ChunkPayload;
}

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
  const { documentId, title, chunkIndex, text } = point.payload;
  return { documentId, title, chunkIndex, text, score };
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
 * or both fused by weighted reciprocal rank fusion, as Qdrant computes it.
 *
 * With a `filePath`, the points survive restarts: the file is read on first use and rewritten
 * (write-behind, atomically through a rename) shortly after each change; {@link flush} waits for
 * the write, e.g. before the process exits. Vectors are stored as base64 float32. Lines whose
 * vectors have another size than `dimensions` (written for another embedder) are ignored.
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
  readonly #persistence: WriteBehind;
  #loaded: Promise<void> | undefined;

  constructor(options: EmbeddedVectorStoreOptions) {
    this.#dimensions = options.dimensions;
    this.#filePath = options.filePath;
    this.#persistence = new WriteBehind(() => this.#save(), options.writeDelayMs ?? 50);
  }

  async ensureReady(): Promise<void> {
    await this.#load();
  }

  async upsert(tenantId: string, points: ChunkPoint[]): Promise<void> {
    await this.#load();
    for (const point of points) {
      if (point.payload.tenantId !== tenantId) {
        throw new RangeError(`point ${point.id} belongs to another tenant`);
      }
      this.#checkSize(point.vector, `point ${point.id}`);
    }
    if (points.length === 0) return;
    for (const point of points) {
      this.#put({
        id: point.id,
        vector: unit(point.vector),
        sparse: point.sparse ?? passageVector(point.payload.text),
        payload: { ...point.payload },
      });
    }
    this.#changed();
  }

  async query(tenantId: string, vector: number[], options: VectorQuery): Promise<ScoredChunk[]> {
    await this.#load();
    options.signal?.throwIfAborted();
    const mode = modeOf(options);
    if (mode !== 'lexical') this.#checkSize(vector, 'query vector');
    const tenant = this.#tenants.get(tenantId);
    if (tenant === undefined) return [];
    const limit = Math.max(0, options.limit);
    if (mode === 'dense') return this.#dense(tenant, vector, options.scoreThreshold, limit);
    if (options.lexical === undefined)
      throw new RangeError(`a ${mode} query needs a lexical vector`);
    if (mode === 'lexical') return this.#bm25(tenantId, tenant, options.lexical, limit);
    const fusion = options.fusion ?? DEFAULT_FUSION;
    const dense = this.#dense(tenant, vector, options.scoreThreshold, fusion.candidates);
    const lexical = this.#bm25(tenantId, tenant, options.lexical, fusion.candidates);
    const key = (chunk: ScoredChunk) => `${chunk.documentId}\u0000${chunk.chunkIndex}`;
    const chunks = new Map([...dense, ...lexical].map((chunk) => [key(chunk), chunk]));
    return fuseRankings([dense.map(key), lexical.map(key)], fusion)
      .map(([id, score]) => ({ ...chunks.get(id)!, score }))
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
    const scored: Array<[StoredPoint, number]> = [];
    for (const point of tenant.values()) {
      const score =
        dimensions === undefined
          ? dot(query, point.vector)
          : sparseDot(query, dimensions, point.vector);
      if (score >= threshold) scored.push([point, score]);
    }
    return scored
      .sort(byScoredPoint)
      .slice(0, limit)
      .map(([point, score]) => toScoredChunk(point, score));
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
    const tenant = this.#tenants.get(tenantId);
    if (tenant === undefined) return;
    const from = options.fromChunkIndex ?? Number.NEGATIVE_INFINITY;
    let deleted = 0;
    for (const [id, point] of tenant) {
      if (point.payload.documentId === documentId && point.payload.chunkIndex >= from) {
        tenant.delete(id);
        this.#lexical.get(tenantId)?.remove(id, point.sparse);
        deleted += 1;
      }
    }
    if (tenant.size === 0) {
      this.#tenants.delete(tenantId);
      this.#lexical.delete(tenantId);
    }
    if (deleted > 0) this.#changed();
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

  /** Resolves once every change so far is written to the file (at once without a file). */
  async flush(): Promise<void> {
    await this.#load();
    await this.#persistence.flush();
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

  #checkSize(vector: readonly number[], what: string): void {
    if (vector.length !== this.#dimensions) {
      throw new RangeError(`${what} has ${vector.length} dimensions, not ${this.#dimensions}`);
    }
  }

  #changed(): void {
    if (this.#filePath !== undefined) this.#persistence.touch();
  }

  #load(): Promise<void> {
    this.#loaded ??= this.#read().catch((error: unknown) => {
      this.#loaded = undefined;
      throw error;
    });
    return this.#loaded;
  }

  async #read(): Promise<void> {
    if (this.#filePath === undefined) return;
    for (const record of await readNdjson(this.#filePath)) {
      if (!isRecord(record)) continue;
      let vector: Float32Array;
      try {
        vector = decodeFloat32Base64(record.vector);
      } catch {
        continue;
      }
      if (vector.length !== this.#dimensions) continue;
      this.#put({
        id: record.id,
        vector,
        sparse: isSparseVector(record.sparse) ? record.sparse : passageVector(record.payload.text),
        payload: record.payload,
      });
    }
  }

  async #save(): Promise<void> {
    if (this.#filePath === undefined) return;
    const records = function* (tenants: Map<string, Map<string, StoredPoint>>) {
      for (const tenant of tenants.values()) {
        for (const point of tenant.values()) {
          const record: PointRecord = {
            id: point.id,
            vector: encodeFloat32Base64(point.vector),
            sparse: point.sparse,
            payload: point.payload,
          };
          yield record;
        }
      }
    };
    await writeNdjsonAtomically(this.#filePath, records(this.#tenants));
  }
}
