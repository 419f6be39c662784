import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import { DependencyError, misconfigured } from '../../core/dependency-error.js';
import {
  type ChunkPage,
  type ChunkPoint,
  DEFAULT_FUSION,
  firstChunks,
  type HybridFusion,
  modeOf,
  type ScoredChunk,
  type StoredChunk,
  type VectorQuery,
  type VectorStore,
} from '../../core/ports/vector-store.js';
import { passageVector } from '../../core/retrieval/sparse-vector.js';
import { toQdrantFailure } from './qdrant-errors.js';
import {
  abortable,
  DEFAULT_QDRANT_RETRY,
  type QdrantRetryPolicy,
  withQdrantRetries,
} from './qdrant-retry.js';

/** Options of {@link QdrantVectorStore}. */
export interface QdrantVectorStoreOptions {
  /** The one collection that holds every tenant's chunks. */
  collection: string;
  /** Vector size; must match the embedder. */
  dimensions: number;
  /** Points per upsert request (default 256). */
  upsertBatchSize?: number;
  /** Retries of throttled, failing or unreachable calls (default {@link DEFAULT_QDRANT_RETRY}). */
  retry?: QdrantRetryPolicy;
  /**
   * `hybrid` (default): named `dense` and sparse `bm25` vectors. `single`: the one unnamed dense
   * vector of earlier versions, searched by cosine only, whatever the query's mode — to keep
   * reading and writing a previous collection during a migration.
   */
  layout?: 'hybrid' | 'single';
  /**
   * Whether a missing collection is created (default true). False for a migration's previous
   * collection: one that does not exist (a mistyped name, one already deleted) is an error
   * naming it, not an empty collection every read would then answer from.
   */
  createIfMissing?: boolean;
}

/**
 * The payload indexes the store relies on: `tenantId` is the tenant partition (`is_tenant`, so
 * Qdrant co-locates each tenant's points), `documentId` serves deletes and counts by document,
 * `chunkIndex` the range delete of a shrunken document's stale chunks.
 */
export const QDRANT_PAYLOAD_INDEXES: ReadonlyArray<{
  field: string;
  schema: Schemas['PayloadFieldSchema'];
}> = [
  { field: 'tenantId', schema: { type: 'keyword', is_tenant: true } },
  { field: 'documentId', schema: { type: 'keyword' } },
  { field: 'chunkIndex', schema: { type: 'integer', lookup: false, range: true } },
];

const PAYLOAD_FIELDS = ['documentId', 'title', 'chunkIndex', 'text', 'page'];

/** The named dense vector of the hybrid layout. */
export const DENSE_VECTOR = 'dense';
/** The named sparse BM25 vector of the hybrid layout (`idf` modifier). */
export const SPARSE_VECTOR = 'bm25';

type Condition = Schemas['FieldCondition'];

const byTenant = (tenantId: string): Condition => ({ key: 'tenantId', match: { value: tenantId } });

const statusOf = (error: unknown): number | undefined =>
  error instanceof Error && 'status' in error && typeof error.status === 'number'
    ? error.status
    : undefined;

/** Qdrant answers 409 to a second creation; older servers answered 400 "already exists". */
const alreadyExists = (error: unknown): boolean => {
  const status = statusOf(error);
  if (status === 409) return true;
  const data = error instanceof Error && 'data' in error ? JSON.stringify(error.data) : '';
  return status === 400 && /already exists/i.test(data);
};

/** The vector size of a single-vector collection; `null` for another layout. */
const singleSizeOf = (info: Schemas['CollectionInfo']): number | null => {
  const vectors = info.config.params.vectors;
  return vectors !== undefined && 'size' in vectors && typeof vectors.size === 'number'
    ? vectors.size
    : null;
};

/**
 * The `score_threshold` under which Qdrant leaves out what the port leaves out: Qdrant keeps
 * only scores strictly above its threshold, read as an f32 (`check_threshold`), the port and
 * the embedded store keep a score equal to it. So the largest f32 below the threshold's f32 is
 * sent, written with the digits that read back as it.
 *
 * @example
 * inclusiveThreshold(0.25) // 0.24999999 (the f32 just below 0.25)
 */
export const inclusiveThreshold = (threshold: number): number => {
  const bits = new Float32Array([threshold]);
  const asInt = new Int32Array(bits.buffer);
  if (bits[0] === 0) {
    asInt[0] = -2_147_483_647; // -0 stepped down: the negative f32 of least magnitude
  } else asInt[0] = asInt[0]! + (bits[0]! > 0 ? -1 : 1);
  return shortestF32Decimal(bits[0]!);
};

/**
 * The shortest decimal that reads back as the same f32 (as Qdrant writes its f32 scores, and
 * reads a threshold sent to it): `shortestF32Decimal(Math.fround(1 / 3))` is `0.33333334`.
 */
export const shortestF32Decimal = (value: number): number => {
  const f32 = Math.fround(value);
  for (let digits = 1; digits <= 9; digits += 1) {
    const shortest = Number(f32.toPrecision(digits));
    if (Math.fround(shortest) === f32) return shortest;
  }
  return f32;
};

/** The dense vector size of a hybrid-layout collection; `null` for another layout. */
const denseSizeOf = (info: Schemas['CollectionInfo']): number | null => {
  const vectors = info.config.params.vectors as Record<string, unknown> | undefined;
  const dense = vectors?.[DENSE_VECTOR] as { size?: unknown } | undefined;
  const sparse = info.config.params.sparse_vectors?.[SPARSE_VECTOR];
  if (typeof dense?.size !== 'number' || sparse === undefined) return null;
  return dense.size;
};

const toScoredChunk = (point: Schemas['ScoredPoint']): ScoredChunk => {
  const payload = point.payload ?? {};
  return {
    documentId: String(payload.documentId ?? ''),
    title: String(payload.title ?? ''),
    chunkIndex: Number(payload.chunkIndex ?? 0),
    text: String(payload.text ?? ''),
    score: point.score,
    ...(typeof payload.page === 'number' ? { page: payload.page } : {}),
  };
};

type Prefetch = Schemas['Prefetch'];

/**
 * The hybrid query: both rankings as `prefetch`, fused by weighted `rrf`; with a lexical bonus,
 * that fusion becomes a prefetch itself (keeping every candidate of both rankings) and a
 * `formula` adds `weight · bm25 / (bm25 + saturation)` from a second BM25 prefetch (a point
 * missing from a prefetch scores 0 there) — still one Query call.
 */
const hybridRequest = (
  dense: Prefetch,
  lexical: Prefetch,
  fusion: HybridFusion,
  filter: Schemas['Filter'],
): Schemas['QueryRequest'] => {
  const rrf = {
    prefetch: [{ ...dense, limit: fusion.candidates }, lexical],
    query: { rrf: { k: fusion.k, ...(fusion.weights ? { weights: [...fusion.weights] } : {}) } },
  };
  const bonus = fusion.lexicalBonus;
  if (bonus === undefined) return { ...rrf, filter };
  const bm25 = '$score[1]';
  return {
    prefetch: [{ ...rrf, limit: 2 * fusion.candidates }, lexical],
    query: {
      formula: {
        sum: [
          '$score[0]',
          {
            mult: [
              bonus.weight,
              { div: { left: bm25, right: { sum: [bm25, bonus.saturation] }, by_zero_default: 0 } },
            ],
          },
        ],
      },
    },
    filter,
  };
};

/**
 * {@link VectorStore} on Qdrant through `@qdrant/js-client-rest`: one collection for all
 * tenants with two named vectors — `dense` (cosine) and the sparse `bm25` (the client-side
 * {@link passageVector}, with Qdrant's `idf` modifier) — the tenant filter on every read, count
 * and delete, and the Query API (`/points/query`; `/points/search` is gone in Qdrant 1.19). A
 * hybrid query is one call: both rankings as `prefetch`, fused by weighted `rrf` (plus a
 * saturated BM25 bonus by a `formula`, see `hybridRequest`), the BM25
 * side's IDF computed over the caller's tenant only (`params.idf.corpus`), so one tenant's
 * vocabulary never changes another's ranking.
 *
 * `ensureReady()` creates the collection and its payload indexes when missing, once per
 * container (a failed attempt is retried by the next call; a concurrent creator is tolerated);
 * every read and write awaits it first, so callers need not call it themselves.
 * Upserts wait for the write (`wait: true`) and go in batches. Throttling, 5xx and connection
 * failures are retried briefly; what survives becomes a {@link DependencyError} naming `qdrant`.
 *
 * @example
 * const store = new QdrantVectorStore(new QdrantClient({ url, apiKey }), {
 *   collection: 'chunks',
 *   dimensions: 1536,
 * });
 * await store.ensureReady();
 * const chunks = await store.query('tenant-a', vector, { limit: 5, scoreThreshold: 0.25 });
 */
export class QdrantVectorStore implements VectorStore {
  readonly #client: QdrantClient;
  readonly #collection: string;
  readonly #dimensions: number;
  readonly #batchSize: number;
  readonly #retry: QdrantRetryPolicy;
  readonly #layout: 'hybrid' | 'single';
  readonly #createIfMissing: boolean;
  #ready: Promise<void> | undefined;

  constructor(client: QdrantClient, options: QdrantVectorStoreOptions) {
    this.#client = client;
    this.#collection = options.collection;
    this.#dimensions = options.dimensions;
    this.#batchSize = options.upsertBatchSize ?? 256;
    this.#retry = options.retry ?? DEFAULT_QDRANT_RETRY;
    this.#layout = options.layout ?? 'hybrid';
    this.#createIfMissing = options.createIfMissing ?? true;
  }

  ensureReady(): Promise<void> {
    this.#ready ??= this.#prepare().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async upsert(tenantId: string, points: ChunkPoint[]): Promise<void> {
    for (const point of points) {
      if (point.payload.tenantId !== tenantId) {
        throw new RangeError(`point ${point.id} belongs to another tenant`);
      }
      if (point.vector.length !== this.#dimensions) {
        throw new RangeError(
          `point ${point.id} has ${point.vector.length} dimensions, not ${this.#dimensions}`,
        );
      }
    }
    if (points.length === 0) return;
    await this.ensureReady();
    for (let start = 0; start < points.length; start += this.#batchSize) {
      const batch = points.slice(start, start + this.#batchSize).map((point) => ({
        id: point.id,
        vector:
          this.#layout === 'single'
            ? point.vector
            : {
                [DENSE_VECTOR]: point.vector,
                [SPARSE_VECTOR]: point.sparse ?? passageVector(point.payload.text),
              },
        payload: { ...point.payload },
      }));
      await this.#call('upsert', () =>
        this.#client.upsert(this.#collection, { wait: true, points: batch }),
      );
    }
  }

  async query(tenantId: string, vector: number[], options: VectorQuery): Promise<ScoredChunk[]> {
    const mode = this.#layout === 'single' ? 'dense' : modeOf(options);
    if (mode !== 'dense' && options.lexical === undefined) {
      throw new RangeError(`a ${mode} query needs a lexical vector`);
    }
    await abortable(this.ensureReady(), options.signal);
    const filter = { must: [byTenant(tenantId)] };
    const threshold =
      options.scoreThreshold === undefined
        ? {}
        : { score_threshold: inclusiveThreshold(options.scoreThreshold) };
    const dense = {
      query: vector,
      ...(this.#layout === 'single' ? {} : { using: DENSE_VECTOR }),
      filter,
      ...threshold,
    };
    const lexical = {
      query: options.lexical ?? { indices: [], values: [] },
      using: SPARSE_VECTOR,
      filter,
      params: { idf: { corpus: filter } },
    };
    const fusion = options.fusion ?? DEFAULT_FUSION;
    const request: Schemas['QueryRequest'] =
      mode === 'dense'
        ? dense
        : mode === 'lexical'
          ? lexical
          : hybridRequest(dense, { ...lexical, limit: fusion.candidates }, fusion, filter);
    const found = { limit: options.limit, with_payload: PAYLOAD_FIELDS, with_vector: false };
    // A fused score says nothing of how close the passages' meaning comes: the dense
    // candidates' cosines are asked for beside it, in the same request (a batch of two queries;
    // point ids and scores only), and attached to the chunks found by meaning, as the embedded
    // store does.
    const [result, byMeaning] =
      mode === 'hybrid'
        ? await this.#call(
            'query',
            () =>
              this.#client.queryBatch(this.#collection, {
                searches: [
                  { ...request, ...found },
                  { ...dense, limit: fusion.candidates, with_payload: false, with_vector: false },
                ],
              }),
            options.signal,
          )
        : [
            await this.#call(
              'query',
              () => this.#client.query(this.#collection, { ...request, ...found }),
              options.signal,
            ),
          ];
    if (result === undefined) {
      throw new DependencyError('qdrant', 'bad-gateway', 'query: no result for the hybrid query');
    }
    const cosines = new Map(byMeaning?.points.map((point) => [point.id, point.score]));
    return result.points.map((point) => {
      const chunk = toScoredChunk(point);
      const denseScore = mode === 'dense' ? point.score : cosines.get(point.id);
      return denseScore === undefined ? chunk : { ...chunk, denseScore };
    });
  }

  async deleteDocumentChunks(
    tenantId: string,
    documentId: string,
    options: { fromChunkIndex?: number } = {},
  ): Promise<void> {
    await this.ensureReady();
    const must: Condition[] = [
      byTenant(tenantId),
      { key: 'documentId', match: { value: documentId } },
    ];
    if (options.fromChunkIndex !== undefined) {
      must.push({ key: 'chunkIndex', range: { gte: options.fromChunkIndex } });
    }
    await this.#call('delete', () =>
      this.#client.delete(this.#collection, { wait: true, filter: { must } }),
    );
  }

  async count(tenantId: string, documentId?: string): Promise<number> {
    await this.ensureReady();
    const must: Condition[] = [byTenant(tenantId)];
    if (documentId !== undefined) must.push({ key: 'documentId', match: { value: documentId } });
    const result = await this.#call('count', () =>
      this.#client.count(this.#collection, { filter: { must }, exact: true }),
    );
    return result.count;
  }

  async ping(): Promise<void> {
    await this.#call('ping', () => this.#client.collectionExists(this.#collection));
  }

  #call<T>(operation: string, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withQdrantRetries(operation, call, this.#retry, signal);
  }

  async #prepare(): Promise<void> {
    const info = await this.#collectionInfo();
    if (info === undefined && !this.#createIfMissing) {
      throw misconfigured(
        'qdrant',
        `collection ${this.#collection} does not exist; a migration's previous collection must (unset QDRANT_PREVIOUS_COLLECTION once the new one is complete)`,
      );
    }
    if (info === undefined) await this.#createCollection();
    else this.#checkVectorSize(info);
    const present = new Set(Object.keys(info?.payload_schema ?? {}));
    for (const index of QDRANT_PAYLOAD_INDEXES) {
      if (present.has(index.field)) continue;
      // Creating an index that exists is a no-op in Qdrant, so a racing container is harmless.
      await this.#call('create payload index', () =>
        this.#client.createPayloadIndex(this.#collection, {
          field_name: index.field,
          field_schema: index.schema,
          wait: true,
        }),
      );
    }
  }

  async #collectionInfo(): Promise<Schemas['CollectionInfo'] | undefined> {
    try {
      return await this.#call('get collection', () => this.#client.getCollection(this.#collection));
    } catch (error) {
      if (error instanceof DependencyError && statusOf(error.cause) === 404) return undefined;
      throw error;
    }
  }

  async #createCollection(): Promise<void> {
    try {
      await this.#client.createCollection(this.#collection, {
        ...(this.#layout === 'single'
          ? { vectors: { size: this.#dimensions, distance: 'Cosine' } }
          : {
              vectors: { [DENSE_VECTOR]: { size: this.#dimensions, distance: 'Cosine' } },
              sparse_vectors: { [SPARSE_VECTOR]: { modifier: 'idf' } },
            }),
        // Qdrant's multitenancy guidance: no global graph, one HNSW graph per tenant.
        hnsw_config: { payload_m: 16, m: 0 },
      });
    } catch (error) {
      if (alreadyExists(error)) return; // another container created it first
      throw toQdrantFailure(error, 'create collection');
    }
  }

  #checkVectorSize(info: Schemas['CollectionInfo']): void {
    const size = this.#layout === 'single' ? singleSizeOf(info) : denseSizeOf(info);
    if (size === null) {
      throw misconfigured(
        'qdrant',
        this.#layout === 'single'
          ? `collection ${this.#collection} does not have the single-vector layout`
          : `collection ${this.#collection} has the single-vector layout of earlier versions, not the hybrid one (named "${DENSE_VECTOR}" and sparse "${SPARSE_VECTOR}"); configure a new collection and run npm run reindex`,
      );
    }
    const sparse = info.config.params.sparse_vectors?.[SPARSE_VECTOR];
    if (this.#layout !== 'single' && sparse?.modifier !== 'idf') {
      // Qdrant refuses every query whose BM25 prefetch asks for the tenant's IDF on it (400).
      throw misconfigured(
        'qdrant',
        `collection ${this.#collection}'s sparse vector "${SPARSE_VECTOR}" lacks the idf modifier; configure a new collection and run npm run reindex`,
      );
    }
    if (size !== this.#dimensions) {
      throw misconfigured(
        'qdrant',
        `collection ${this.#collection} holds ${size}-dimensional vectors, the embedder makes ${this.#dimensions}`,
      );
    }
  }

  async listDocumentChunks(
    tenantId: string,
    documentId: string,
    page: ChunkPage,
  ): Promise<StoredChunk[]> {
    await this.ensureReady();
    const must: Condition[] = [
      byTenant(tenantId),
      { key: 'documentId', match: { value: documentId } },
      { key: 'chunkIndex', range: { gte: page.offset, lt: page.offset + page.limit } },
    ];
    // Chunk indexes are contiguous, so the range holds the page; room for two versions of it
    // (an old and a new one, while a new version replaces the old).
    const result = await this.#call('scroll', () =>
      this.#client.scroll(this.#collection, {
        filter: { must },
        limit: page.limit * 2,
        with_payload: ['chunkIndex', 'version', 'text'],
        with_vector: false,
      }),
    );
    return firstChunks(
      result.points.map(({ payload }) => ({
        chunkIndex: Number(payload?.chunkIndex ?? 0),
        version: Number(payload?.version ?? 0),
        text: String(payload?.text ?? ''),
      })),
      page.limit,
    );
  }
}
