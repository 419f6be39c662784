import type {
  ChunkPage,
  ChunkPayload,
  ChunkPoint,
  ScoredChunk,
  StoredChunk,
  VectorQuery,
  VectorStore,
} from '../../core/ports/vector-store.js';
import { firstChunks } from '../../core/ports/vector-store.js';
import { AppendLog } from './append-log.js';
import { decodeFloat32Base64, encodeFloat32Base64 } from './float32-base64.js';
import { readNdjson, writeNdjsonAtomically } from './ndjson-file.js';

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

interface StoredPoint {
  id: string;
  /** Unit length (or all zeros), so the dot product is the cosine. */
  vector: Float32Array;
  payload: ChunkPayload;
}

/** One line of the snapshot file. */
interface PointRecord {
  id: string;
  vector: string;
  payload: ChunkPayload;
}

/** One line of the change log, replayed over the snapshot at start. */
type LogEntry =
  | { op: 'upsert'; points: PointRecord[] }
  | { op: 'delete'; tenantId: string; documentId: string; fromChunkIndex?: number };

const toRecord = (point: StoredPoint): PointRecord => ({
  id: point.id,
  vector: encodeFloat32Base64(point.vector),
  payload: point.payload,
});

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
  for (let index = 0; index < a.length; index += 1) sum += (a[index] ?? 0) * (b[index] ?? 0);
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

const isLogEntry = (value: unknown): value is LogEntry => {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<Record<string, unknown>>;
  if (entry.op === 'upsert') return Array.isArray(entry.points);
  return entry.op === 'delete' && typeof entry.tenantId === 'string';
};

/**
 * {@link VectorStore} for the local stack: points in memory, grouped by tenant, searched by
 * exact cosine similarity (a full scan, fine for the few thousand chunks of a laptop).
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
  readonly #log: AppendLog | undefined;
  readonly #compactAfterBytes: number;
  #loggedBytes = 0;
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

  async upsert(tenantId: string, points: ChunkPoint[]): Promise<void> {
    await this.#load();
    for (const point of points) {
      if (point.payload.tenantId !== tenantId) {
        throw new RangeError(`point ${point.id} belongs to another tenant`);
      }
      this.#checkSize(point.vector, `point ${point.id}`);
    }
    if (points.length === 0) return;
    const tenant = this.#tenant(tenantId);
    const stored = points.map((point) => ({
      id: point.id,
      vector: unit(point.vector),
      payload: { ...point.payload },
    }));
    for (const point of stored) tenant.set(point.id, point);
    await this.#persist({ op: 'upsert', points: stored.map(toRecord) });
  }

  async query(tenantId: string, vector: number[], options: VectorQuery): Promise<ScoredChunk[]> {
    await this.#load();
    options.signal?.throwIfAborted();
    this.#checkSize(vector, 'query vector');
    const query = unit(vector);
    const threshold = options.scoreThreshold ?? Number.NEGATIVE_INFINITY;
    const scored: ScoredChunk[] = [];
    for (const point of this.#tenants.get(tenantId)?.values() ?? []) {
      const score = dot(query, point.vector);
      if (score < threshold) continue;
      const { documentId, title, chunkIndex, text } = point.payload;
      scored.push({ documentId, title, chunkIndex, text, score });
    }
    return scored
      .sort(
        (a, b) =>
          b.score - a.score ||
          a.documentId.localeCompare(b.documentId) ||
          a.chunkIndex - b.chunkIndex,
      )
      .slice(0, Math.max(0, options.limit));
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
        deleted += 1;
      }
    }
    if (tenant.size === 0) this.#tenants.delete(tenantId);
    if (deleted > 0) {
      await this.#persist({
        op: 'delete',
        tenantId,
        documentId,
        ...(options.fromChunkIndex === undefined ? {} : { fromChunkIndex: options.fromChunkIndex }),
      });
    }
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

  #tenant(tenantId: string): Map<string, StoredPoint> {
    let tenant = this.#tenants.get(tenantId);
    if (tenant === undefined) {
      tenant = new Map();
      this.#tenants.set(tenantId, tenant);
    }
    return tenant;
  }

  #checkSize(vector: readonly number[], what: string): void {
    if (vector.length !== this.#dimensions) {
      throw new RangeError(`${what} has ${vector.length} dimensions, not ${this.#dimensions}`);
    }
  }

  async #persist(entry: LogEntry): Promise<void> {
    if (this.#log === undefined) return;
    await this.#log.append([entry]);
    this.#loggedBytes += entry.op === 'upsert' ? entry.points.length * this.#dimensions * 6 : 100;
    if (this.#loggedBytes > this.#compactAfterBytes) {
      this.#loggedBytes = 0;
      await this.#compact();
    }
  }

  /** Writes the snapshot of every point in memory, then empties the log it now covers. */
  #compact(): Promise<void> {
    return this.#log?.checkpoint(() => this.#save()) ?? Promise.resolve();
  }

  #apply(entry: LogEntry): void {
    if (entry.op === 'delete') {
      const tenant = this.#tenants.get(entry.tenantId);
      const from = entry.fromChunkIndex ?? Number.NEGATIVE_INFINITY;
      for (const [id, point] of tenant ?? []) {
        if (point.payload.documentId === entry.documentId && point.payload.chunkIndex >= from) {
          tenant?.delete(id);
        }
      }
      if (tenant?.size === 0) this.#tenants.delete(entry.tenantId);
      return;
    }
    for (const record of entry.points) this.#restore(record);
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
    this.#tenant(record.payload.tenantId).set(record.id, {
      id: record.id,
      vector,
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
    for (const record of await readNdjson(this.#filePath)) this.#restore(record);
    const entries = await this.#log.read();
    for (const entry of entries) {
      if (isLogEntry(entry)) this.#apply(entry);
    }
    if (entries.length > 0) await this.#compact();
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
