/**
 * A local, in-memory, spec-checked stand-in for the Qdrant 1.19 REST API, for tests: collections
 * (one unnamed dense vector, or named dense and sparse vectors with the `idf` modifier), payload
 * indexes, upsert/delete/count, and the Query API with filters over an exact (brute-force)
 * search: dense nearest, sparse dot products with IDF over the collection or over a
 * `params.idf.corpus` filter, and `prefetch` fused by `rrf` (with `k` and weights) or rescored
 * by a `formula` (numbers, `$score[i]`, `sum`, `mult`, `div`) as Qdrant 1.19 computes them. Every request and reply is checked against the committed spec extract; a route
 * that Qdrant 1.19 does not have (e.g. the removed `POST /collections/{name}/points/search`)
 * answers 404 and is recorded as a violation.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { shortestF32Decimal } from '../../lambdas/adapters/qdrant/qdrant-vector-store.js';
import { getSpecValidator, type SpecViolation, ViolationLog } from './spec-validator.js';
import { readText, standInServer } from './stand-in-server.js';

/** The version the stand-in reports at `GET /` (the `@qdrant/js-client-rest` it pairs with). */
export const QDRANT_STAND_IN_VERSION = '1.19.0';

/** A point id: an unsigned integer or a UUID. */
export type PointId = number | string;

/** A payload object. */
export type Payload = Record<string, unknown>;

/** A sparse vector: unique indices and their values. */
export interface StandInSparseVector {
  indices: number[];
  values: number[];
}

/** A stored point, as `points()` returns it (vectors are stored normalised for Cosine). */
export interface StandInPoint {
  id: PointId;
  /** The unnamed dense vector (empty in a collection of named vectors). */
  vector: number[];
  /** Named dense vectors. */
  named: Record<string, number[]>;
  /** Named sparse vectors. */
  sparse: Record<string, StandInSparseVector>;
  payload: Payload;
}

/** A payload index as created through the API. */
export interface StandInPayloadIndex {
  field_name: string;
  field_schema: unknown;
}

/** What the stand-in saw of one request. */
export interface QdrantRequestRecord {
  method: string;
  /** The path with its query string. */
  path: string;
  /** The operation matched in the spec extract, if any. */
  operationId?: string;
  body: unknown;
  status?: number;
  receivedAt: number;
}

/** Options of the stand-in. */
export interface QdrantStandInOptions {
  /** Print each violation to stderr when it happens (default true). */
  logViolations?: boolean;
}

/** A running stand-in. */
export interface QdrantStandIn {
  /** Base URL (pass it as the client's `url`). */
  readonly url: string;
  readonly requests: readonly QdrantRequestRecord[];
  readonly violations: readonly SpecViolation[];
  /**
   * Takes the stand-in down or back up. `unavailable` (default) answers every request 503;
   * `refused` stops listening so connections are refused, until `setDown(false)`.
   */
  setDown(down: boolean, how?: 'unavailable' | 'refused'): Promise<void>;
  /** Copies of the points of a collection (empty if it does not exist), in insertion order. */
  points(collection: string): StandInPoint[];
  /** The payload indexes created on a collection, in creation order. */
  payloadIndexes(collection: string): StandInPayloadIndex[];
  /** Throws, listing them, if any violation was recorded. */
  assertNoViolations(): void;
  clearViolations(): void;
  close(): Promise<void>;
}

type Distance = 'Cosine' | 'Dot' | 'Euclid' | 'Manhattan';

interface StoredPoint extends StandInPoint {
  version: number;
}

interface DenseParams {
  size: number;
  distance: Distance;
}

interface CollectionState {
  /** The unnamed dense vector's parameters, when the collection has one. */
  unnamed: DenseParams | undefined;
  dense: Map<string, DenseParams>;
  sparse: Map<string, { modifier: 'none' | 'idf' }>;
  points: Map<string, StoredPoint>;
  indexes: Map<string, StandInPayloadIndex>;
  operations: number;
}

/** An error answered in Qdrant's error envelope. */
class QdrantHttpError extends Error {
  readonly status: number;
  readonly unsupported: boolean;

  constructor(status: number, message: string, unsupported = false) {
    super(message);
    this.status = status;
    this.unsupported = unsupported;
  }
}

function unsupported(what: string): QdrantHttpError {
  return new QdrantHttpError(400, `Unsupported by the Qdrant stand-in: ${what}`, true);
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function pointKey(id: PointId): string {
  return typeof id === 'number' ? `n:${id}` : `u:${id.toLowerCase()}`;
}

/** Qdrant's order of point ids: numbers first, ascending, then UUIDs. */
function compareIds(a: PointId, b: PointId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a.localeCompare(b);
}

function normalizeId(id: PointId): PointId {
  return typeof id === 'string' ? id.toLowerCase() : id;
}

/** Values at a dotted payload path, arrays flattened (as Qdrant matches any array element). */
function valuesAt(payload: Payload, key: string): unknown[] {
  if (/\[|\]/.test(key)) throw unsupported(`payload key syntax '${key}'`);
  let current: unknown[] = [payload];
  for (const part of key.split('.')) {
    const next: unknown[] = [];
    for (const value of current) {
      if (!isRecord(value) || !(part in value)) continue;
      const found = value[part];
      if (Array.isArray(found)) next.push(...found);
      else next.push(found);
    }
    current = next;
  }
  return current;
}

function matchesRange(values: unknown[], range: Json): boolean {
  const bounds = ['lt', 'gt', 'lte', 'gte'] as const;
  if (bounds.some((bound) => range[bound] !== undefined && typeof range[bound] !== 'number')) {
    throw unsupported('datetime ranges');
  }
  return values.some((value) => {
    if (typeof value !== 'number') return false;
    const { lt, gt, lte, gte } = range as Partial<Record<(typeof bounds)[number], number | null>>;
    return (
      (lt == null || value < lt) &&
      (gt == null || value > gt) &&
      (lte == null || value <= lte) &&
      (gte == null || value >= gte)
    );
  });
}

function matchesFieldCondition(condition: Json, payload: Payload): boolean {
  const values = valuesAt(payload, String(condition.key));
  const known = new Set(['key', 'match', 'range']);
  for (const [name, value] of Object.entries(condition)) {
    if (!known.has(name) && value !== null && value !== undefined) {
      throw unsupported(`field condition '${name}'`);
    }
  }
  let result = true;
  if (isRecord(condition.match)) {
    const match = condition.match;
    if ('value' in match) result &&= values.some((value) => value === match.value);
    else if ('any' in match) result &&= values.some((value) => asList(match.any).includes(value));
    else if ('except' in match) {
      result &&= values.some((value) => !asList(match.except).includes(value));
    } else throw unsupported(`match '${Object.keys(match).join(',')}'`);
  }
  if (isRecord(condition.range)) result &&= matchesRange(values, condition.range);
  return result;
}

function matchesCondition(condition: unknown, point: StoredPoint): boolean {
  if (!isRecord(condition)) throw unsupported('a non-object condition');
  if ('key' in condition) return matchesFieldCondition(condition, point.payload);
  if ('has_id' in condition) {
    return asList(condition.has_id).some((id) => pointKey(id as PointId) === pointKey(point.id));
  }
  if ('is_empty' in condition || 'is_null' in condition) {
    const isNull = 'is_null' in condition;
    const target = (isNull ? condition.is_null : condition.is_empty) as Json;
    const values = valuesAt(point.payload, String(target.key));
    if (isNull) return values.length > 0 && values.every((value) => value === null);
    return values.every((value) => value === null);
  }
  const filterKeys = ['must', 'should', 'must_not', 'min_should'];
  if (Object.keys(condition).every((key) => filterKeys.includes(key))) {
    return matchesFilter(condition, point);
  }
  throw unsupported(`condition '${Object.keys(condition).join(',')}'`);
}

/** Evaluates a Qdrant filter (`must` / `should` / `must_not` / `min_should`, nested) on a point. */
function matchesFilter(filter: unknown, point: StoredPoint): boolean {
  if (filter === undefined || filter === null) return true;
  if (!isRecord(filter)) throw unsupported('a non-object filter');
  const must = asList(filter.must);
  const should = asList(filter.should);
  const mustNot = asList(filter.must_not);
  if (!must.every((condition) => matchesCondition(condition, point))) return false;
  if (should.length > 0 && !should.some((condition) => matchesCondition(condition, point))) {
    return false;
  }
  if (mustNot.some((condition) => matchesCondition(condition, point))) return false;
  if (isRecord(filter.min_should)) {
    const conditions = asList(filter.min_should.conditions);
    const passing = conditions.filter((condition) => matchesCondition(condition, point)).length;
    if (passing < Number(filter.min_should.min_count)) return false;
  }
  return true;
}

function normalize(vector: readonly number[]): number[] {
  const norm = Math.hypot(...vector);
  return norm === 0 ? [...vector] : vector.map((value) => Math.fround(value / norm));
}

function score(distance: Distance, query: readonly number[], vector: readonly number[]): number {
  let total = 0;
  for (let index = 0; index < vector.length; index += 1) {
    const a = query[index] ?? 0;
    const b = vector[index] ?? 0;
    if (distance === 'Euclid') total += (a - b) ** 2;
    else if (distance === 'Manhattan') total += Math.abs(a - b);
    else total += a * b;
  }
  return distance === 'Euclid' ? Math.sqrt(total) : total;
}

function selectPayload(payload: Payload, selector: unknown): Payload | undefined {
  if (selector === undefined || selector === null || selector === false) return undefined;
  if (selector === true) return structuredClone(payload);
  if (Array.isArray(selector)) {
    return Object.fromEntries(Object.entries(payload).filter(([key]) => selector.includes(key)));
  }
  if (isRecord(selector) && Array.isArray(selector.include)) {
    const include = selector.include;
    return Object.fromEntries(Object.entries(payload).filter(([key]) => include.includes(key)));
  }
  if (isRecord(selector) && Array.isArray(selector.exclude)) {
    const exclude = selector.exclude;
    return Object.fromEntries(Object.entries(payload).filter(([key]) => !exclude.includes(key)));
  }
  throw unsupported('this with_payload selector');
}

function dataTypeOf(fieldSchema: unknown): string {
  if (typeof fieldSchema === 'string') return fieldSchema;
  if (isRecord(fieldSchema) && typeof fieldSchema.type === 'string') return fieldSchema.type;
  return 'keyword';
}

function collectionInfo(collection: CollectionState): Json {
  const payloadSchema: Json = {};
  for (const index of collection.indexes.values()) {
    const points = [...collection.points.values()].filter(
      (point) => valuesAt(point.payload, index.field_name).length > 0,
    ).length;
    payloadSchema[index.field_name] = {
      data_type: dataTypeOf(index.field_schema),
      ...(isRecord(index.field_schema) ? { params: index.field_schema } : {}),
      points,
    };
  }
  return {
    status: 'green',
    optimizer_status: 'ok',
    indexed_vectors_count: 0,
    points_count: collection.points.size,
    segments_count: 1,
    config: {
      params: {
        vectors: collection.unnamed ?? Object.fromEntries(collection.dense),
        ...(collection.sparse.size > 0
          ? { sparse_vectors: Object.fromEntries(collection.sparse) }
          : {}),
        shard_number: 1,
        replication_factor: 1,
        write_consistency_factor: 1,
        on_disk_payload: true,
      },
      hnsw_config: {
        m: 16,
        ef_construct: 100,
        full_scan_threshold: 10000,
        max_indexing_threads: 0,
      },
      optimizer_config: {
        deleted_threshold: 0.2,
        vacuum_min_vector_number: 1000,
        default_segment_number: 0,
        flush_interval_sec: 5,
      },
      wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
      quantization_config: null,
    },
    payload_schema: payloadSchema,
  };
}

interface Call {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

/** A handler's answer: a value for the `result` envelope, or a raw body (root, health). */
type Answer = { result: unknown } | { raw: unknown; contentType: string };

/** The in-memory engine behind the routes, one method per spec operation id. */
class QdrantEngine {
  readonly collections = new Map<string, CollectionState>();

  handle(operationId: string, call: Call): Answer {
    switch (operationId) {
      case 'root':
        return {
          raw: { title: 'qdrant - vector search engine', version: QDRANT_STAND_IN_VERSION },
          contentType: 'application/json',
        };
      case 'healthz':
        return { raw: 'healthz check passed', contentType: 'text/plain' };
      case 'readyz':
        return { raw: 'all shards are ready', contentType: 'text/plain' };
      case 'create_collection':
        return { result: this.createCollection(call) };
      case 'get_collection':
        return { result: collectionInfo(this.collection(call)) };
      case 'collection_exists':
        return { result: { exists: this.collections.has(call.params.collection_name ?? '') } };
      case 'create_field_index':
        return { result: this.createIndex(call) };
      case 'upsert_points':
        return { result: this.upsert(call) };
      case 'delete_points':
        return { result: this.delete(call) };
      case 'count_points':
        return { result: this.count(call) };
      case 'query_points':
        return { result: this.query(call) };
      case 'query_batch_points':
        return { result: this.queryBatch(call) };
      case 'scroll_points':
        return { result: this.scroll(call) };
      default:
        throw unsupported(`operation ${operationId}`);
    }
  }

  private collection(call: Call): CollectionState {
    const name = call.params.collection_name ?? '';
    const collection = this.collections.get(name);
    if (collection === undefined) {
      throw new QdrantHttpError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    }
    return collection;
  }

  private updateResult(collection: CollectionState, call: Call): Json {
    collection.operations += 1;
    const wait = call.query.get('wait') === 'true';
    return { operation_id: collection.operations, status: wait ? 'completed' : 'acknowledged' };
  }

  private createCollection(call: Call): boolean {
    const name = call.params.collection_name ?? '';
    const body = isRecord(call.body) ? call.body : {};
    const vectors = body.vectors;
    if (!isRecord(vectors)) throw unsupported('a collection without dense vectors');
    const unnamed =
      typeof vectors.size === 'number'
        ? { size: vectors.size, distance: vectors.distance as Distance }
        : undefined;
    const dense = new Map<string, DenseParams>();
    if (unnamed === undefined) {
      for (const [vectorName, params] of Object.entries(vectors)) {
        const { size, distance } = params as DenseParams;
        dense.set(vectorName, { size, distance });
      }
    }
    const sparse = new Map<string, { modifier: 'none' | 'idf' }>();
    for (const [vectorName, params] of Object.entries(
      isRecord(body.sparse_vectors) ? body.sparse_vectors : {},
    )) {
      const modifier = isRecord(params) && params.modifier === 'idf' ? 'idf' : 'none';
      sparse.set(vectorName, { modifier });
    }
    if (this.collections.has(name)) {
      throw new QdrantHttpError(409, `Wrong input: Collection \`${name}\` already exists!`);
    }
    this.collections.set(name, {
      unnamed,
      dense,
      sparse,
      points: new Map(),
      indexes: new Map(),
      operations: 0,
    });
    return true;
  }

  private createIndex(call: Call): Json {
    const collection = this.collection(call);
    const body = call.body as { field_name: string; field_schema?: unknown };
    if (body.field_schema === undefined || body.field_schema === null) {
      throw new QdrantHttpError(400, 'Bad request: field_schema is required by the stand-in');
    }
    collection.indexes.set(body.field_name, {
      field_name: body.field_name,
      field_schema: structuredClone(body.field_schema),
    });
    return this.updateResult(collection, call);
  }

  /** The parameters of the dense vector `using` names (the unnamed one without a name). */
  private denseParams(collection: CollectionState, using: unknown): DenseParams {
    const params =
      using === undefined || using === null
        ? collection.unnamed
        : collection.dense.get(String(using));
    if (params === undefined) {
      throw new QdrantHttpError(
        400,
        `Wrong input: Not existing vector name error: ${String(using ?? '')}`,
      );
    }
    return params;
  }

  private checkVector(params: DenseParams, vector: unknown): number[] {
    if (!Array.isArray(vector) || vector.some((value) => typeof value !== 'number')) {
      throw unsupported('multi-vectors and inference objects');
    }
    if (vector.length !== params.size) {
      throw new QdrantHttpError(
        400,
        `Wrong input: Vector dimension error: expected dim: ${params.size}, got ${vector.length}`,
      );
    }
    return params.distance === 'Cosine' ? normalize(vector) : vector.map(Math.fround);
  }

  private checkSparse(vector: unknown): StandInSparseVector {
    const { indices, values } = vector as StandInSparseVector;
    if (indices.length !== values.length) {
      throw new QdrantHttpError(
        400,
        'Wrong input: Sparse indices and values must have the same length',
      );
    }
    if (new Set(indices).size !== indices.length) {
      throw new QdrantHttpError(400, 'Wrong input: Sparse vector indices must be unique');
    }
    return { indices: [...indices], values: values.map(Math.fround) };
  }

  /** Checks a point's vectors against the collection: one unnamed, or named dense and sparse. */
  private checkPointVectors(
    collection: CollectionState,
    vector: unknown,
  ): Pick<StandInPoint, 'vector' | 'named' | 'sparse'> {
    if (Array.isArray(vector)) {
      return {
        vector: this.checkVector(this.denseParams(collection, undefined), vector),
        named: {},
        sparse: {},
      };
    }
    if (!isRecord(vector)) throw unsupported('this vector form');
    const named: Record<string, number[]> = {};
    const sparse: Record<string, StandInSparseVector> = {};
    for (const [vectorName, value] of Object.entries(vector)) {
      if (collection.sparse.has(vectorName)) sparse[vectorName] = this.checkSparse(value);
      else named[vectorName] = this.checkVector(this.denseParams(collection, vectorName), value);
    }
    return { vector: [], named, sparse };
  }

  private upsert(call: Call): Json {
    const collection = this.collection(call);
    const body = call.body as Json;
    const incoming: Array<{ id: PointId; vector: unknown; payload: unknown }> = [];
    if (Array.isArray(body.points)) {
      incoming.push(...(body.points as typeof incoming));
    } else if (isRecord(body.batch)) {
      const { ids, vectors, payloads } = body.batch as {
        ids: PointId[];
        vectors: unknown[];
        payloads?: unknown[];
      };
      if (!Array.isArray(vectors) || vectors.length !== ids.length) {
        throw new QdrantHttpError(400, 'Wrong input: batch ids and vectors differ in length');
      }
      ids.forEach((id, index) => {
        incoming.push({ id, vector: vectors[index], payload: payloads?.[index] });
      });
    }
    if (body.update_filter !== undefined && body.update_filter !== null) {
      throw unsupported('update_filter');
    }
    const checked = incoming.map((point) => ({
      id: normalizeId(point.id),
      ...this.checkPointVectors(collection, point.vector),
      payload: isRecord(point.payload) ? structuredClone(point.payload) : {},
    }));
    const result = this.updateResult(collection, call);
    for (const point of checked) {
      collection.points.set(pointKey(point.id), { ...point, version: collection.operations });
    }
    return result;
  }

  private delete(call: Call): Json {
    const collection = this.collection(call);
    const body = call.body as Json;
    if (Array.isArray(body.points)) {
      for (const id of body.points as PointId[]) collection.points.delete(pointKey(id));
    } else {
      for (const [key, point] of collection.points) {
        if (matchesFilter(body.filter, point)) collection.points.delete(key);
      }
    }
    return this.updateResult(collection, call);
  }

  private count(call: Call): Json {
    const collection = this.collection(call);
    const body = isRecord(call.body) ? call.body : {};
    let count = 0;
    for (const point of collection.points.values())
      if (matchesFilter(body.filter, point)) count += 1;
    return { count };
  }

  private query(call: Call): Json {
    const collection = this.collection(call);
    const body = isRecord(call.body) ? call.body : {};
    for (const key of ['lookup_from', 'shard_key'] as const) {
      if (body[key] !== undefined && body[key] !== null) throw unsupported(`query '${key}'`);
    }
    const scored = this.ranking(collection, body, []);
    const offset = typeof body.offset === 'number' ? body.offset : 0;
    const limit = typeof body.limit === 'number' ? body.limit : 10;
    const withVector = body.with_vector === true;
    if (Array.isArray(body.with_vector)) throw unsupported('named with_vector');
    const points = scored.slice(offset, offset + limit).map(({ point, score: value }) => {
      const payload = selectPayload(point.payload, body.with_payload);
      return {
        id: point.id,
        version: point.version,
        score: shortestF32Decimal(value),
        ...(payload === undefined ? {} : { payload }),
        ...(withVector ? { vector: [...point.vector] } : {}),
      };
    });
    return { points };
  }

  /** Each query of `searches` answered as `query_points` answers it, in order. */
  private queryBatch(call: Call): Json[] {
    const body = isRecord(call.body) ? call.body : {};
    const searches = Array.isArray(body.searches) ? body.searches : [];
    return searches.map((search) => this.query({ ...call, body: search }));
  }

  /** Points matching the filter in id order (numbers first, as Qdrant orders ids), a page at a time. */
  private scroll(call: Call): Json {
    const collection = this.collection(call);
    const body = isRecord(call.body) ? call.body : {};
    for (const key of ['order_by', 'shard_key'] as const) {
      if (body[key] !== undefined && body[key] !== null) throw unsupported(`scroll '${key}'`);
    }
    if (Array.isArray(body.with_vector)) throw unsupported('named with_vector');
    const ordered = [...collection.points.values()]
      .filter((point) => matchesFilter(body.filter, point))
      .sort((a, b) => compareIds(a.id, b.id));
    const offset = body.offset as PointId | null | undefined;
    const found =
      offset === undefined || offset === null
        ? 0
        : ordered.findIndex((point) => compareIds(point.id, normalizeId(offset)) >= 0);
    const start = found < 0 ? ordered.length : found;
    const limit = typeof body.limit === 'number' ? body.limit : 10;
    const page = ordered.slice(start, start + limit);
    const withPayload = body.with_payload ?? true;
    return {
      points: page.map((point) => {
        const payload = selectPayload(point.payload, withPayload);
        return {
          id: point.id,
          ...(payload === undefined ? {} : { payload }),
          ...(body.with_vector === true ? { vector: [...point.vector] } : {}),
        };
      }),
      next_page_offset: ordered[start + limit]?.id ?? null,
    };
  }

  /**
   * The ranked points of a query or prefetch: its prefetches fused (`rrf`), or a nearest
   * search over the points passing its filter and every enclosing one.
   */
  private ranking(
    collection: CollectionState,
    request: Json,
    outerFilters: unknown[],
  ): Array<{ point: StoredPoint; score: number }> {
    const filters = [...outerFilters, request.filter];
    const prefetches = asList(request.prefetch);
    if (prefetches.length > 0) {
      const rankings = prefetches.map((prefetch) => {
        const inner = prefetch as Json;
        const limit = typeof inner.limit === 'number' ? inner.limit : 10;
        return this.ranking(collection, inner, filters).slice(0, limit);
      });
      return this.fuse(request.query, rankings);
    }
    const raw =
      isRecord(request.query) && 'nearest' in request.query ? request.query.nearest : request.query;
    if (raw === undefined || raw === null) throw unsupported('a query without a vector');
    const candidates = [...collection.points.values()].filter((point) =>
      filters.every((filter) => matchesFilter(filter, point)),
    );
    const threshold =
      typeof request.score_threshold === 'number' ? request.score_threshold : undefined;
    const using = request.using;
    if (typeof using === 'string' && collection.sparse.has(using)) {
      const query = this.checkSparse(raw);
      const idfParams = isRecord(request.params) ? request.params.idf : undefined;
      if (idfParams !== undefined && collection.sparse.get(using)?.modifier !== 'idf') {
        throw new QdrantHttpError(
          400,
          'Wrong input: search param `idf` requires a sparse vector with the `idf` modifier',
        );
      }
      const idf =
        collection.sparse.get(using)?.modifier === 'idf'
          ? this.idfOf(
              collection,
              using,
              query,
              isRecord(request.params) ? request.params.idf : undefined,
            )
          : () => 1;
      return (
        candidates
          .flatMap((point) => {
            const vector = point.sparse[using];
            if (vector === undefined) return [];
            let total = 0;
            let overlap = false;
            query.indices.forEach((index, position) => {
              const at = vector.indices.indexOf(index);
              if (at < 0) return;
              overlap = true;
              total += query.values[position]! * vector.values[at]! * idf(index);
            });
            return overlap ? [{ point, score: Math.fround(total) }] : [];
          })
          // Qdrant keeps only scores past the threshold (`check_threshold`: `score > threshold`).
          .filter(({ score: value }) => threshold === undefined || value > Math.fround(threshold))
          .sort((a, b) => b.score - a.score)
      );
    }
    const params = this.denseParams(collection, using);
    const queryVector = this.checkVector(params, raw);
    const ascending = params.distance === 'Euclid' || params.distance === 'Manhattan';
    return candidates
      .map((point) => {
        const vector = typeof using === 'string' ? point.named[using] : point.vector;
        return {
          point,
          score: vector === undefined ? Number.NaN : score(params.distance, queryVector, vector),
        };
      })
      .filter(({ score: value }) => !Number.isNaN(value))
      .filter(({ score: value }) =>
        threshold === undefined
          ? true
          : ascending
            ? value < Math.fround(threshold)
            : value > Math.fround(threshold),
      )
      .sort((a, b) => (ascending ? a.score - b.score : b.score - a.score));
  }

  /**
   * Qdrant's IDF, `ln(1 + (N − n + 0.5) / (n + 0.5))`, with `N` and `n` counted over the points
   * that have the sparse vector and pass the IDF corpus filter (all of them for `global`).
   */
  private idfOf(
    collection: CollectionState,
    using: string,
    query: StandInSparseVector,
    scope: unknown,
  ): (index: number) => number {
    const corpusFilter = isRecord(scope) ? scope.corpus : undefined;
    const corpus = [...collection.points.values()].filter(
      (point) => point.sparse[using] !== undefined && matchesFilter(corpusFilter, point),
    );
    const idf = new Map<number, number>();
    for (const index of query.indices) {
      const withTerm = corpus.filter((point) =>
        point.sparse[using]!.indices.includes(index),
      ).length;
      idf.set(index, Math.log(1 + (corpus.length - withTerm + 0.5) / (withTerm + 0.5)));
    }
    return (index) => idf.get(index) ?? 0;
  }

  /** Fuses prefetch rankings: `rrf` as Qdrant 1.19 computes it, `1 / ((p + 1) / w + k − 1)`. */
  private fuse(
    query: unknown,
    rankings: Array<Array<{ point: StoredPoint; score: number }>>,
  ): Array<{ point: StoredPoint; score: number }> {
    if (isRecord(query) && 'formula' in query) return this.rescore(query, rankings);
    let k = 2;
    let weights: number[] = [];
    if (isRecord(query) && query.fusion === 'rrf') {
      // plain RRF with the defaults
    } else if (isRecord(query) && isRecord(query.rrf)) {
      if (typeof query.rrf.k === 'number') k = query.rrf.k;
      if (Array.isArray(query.rrf.weights)) weights = query.rrf.weights as number[];
      if (weights.length > 0 && weights.length !== rankings.length) {
        throw new QdrantHttpError(
          400,
          'Wrong input: the number of rrf weights must match the prefetches',
        );
      }
    } else {
      throw unsupported('prefetch with a query other than rrf fusion');
    }
    const fused = new Map<string, { point: StoredPoint; score: number }>();
    rankings.forEach((ranking, which) => {
      const weight = weights[which] ?? 1;
      ranking.forEach(({ point }, position) => {
        const key = pointKey(point.id);
        const entry = fused.get(key) ?? { point, score: 0 };
        // In f32, as Qdrant computes it; a weight of 0 or less adds nothing.
        const term = weight <= 0 ? 0 : Math.fround(1 / ((position + 1) / weight + k - 1));
        entry.score = Math.fround(entry.score + term);
        fused.set(key, entry);
      });
    });
    return [...fused.values()].sort((a, b) => b.score - a.score);
  }

  /**
   * A `formula` query over the union of the prefetches' points, as Qdrant 1.19 scores it:
   * `$score[i]` is the point's score in prefetch `i`, else its `defaults` entry, else 0. Only
   * numbers, `$score[i]`, `sum`, `mult` and `div` are implemented (what the adapter sends).
   */
  private rescore(
    query: Json,
    rankings: Array<Array<{ point: StoredPoint; score: number }>>,
  ): Array<{ point: StoredPoint; score: number }> {
    const defaults = isRecord(query.defaults) ? query.defaults : {};
    const byPrefetch = rankings.map(
      (ranking) => new Map(ranking.map(({ point, score: value }) => [pointKey(point.id), value])),
    );
    const points = new Map(
      rankings.flat().map(({ point }) => [pointKey(point.id), point] as const),
    );
    const evaluate = (expression: unknown, key: string): number => {
      if (typeof expression === 'number') return expression;
      if (typeof expression === 'string') {
        const at = /^\$score\[(\d+)\]$/.exec(expression);
        if (at === null) throw unsupported(`formula variable ${expression}`);
        const fallback = defaults[expression];
        return byPrefetch[Number(at[1])]?.get(key) ?? (typeof fallback === 'number' ? fallback : 0);
      }
      if (isRecord(expression) && Array.isArray(expression.sum))
        return expression.sum.reduce((total: number, term) => total + evaluate(term, key), 0);
      if (isRecord(expression) && Array.isArray(expression.mult))
        return expression.mult.reduce((total: number, term) => total * evaluate(term, key), 1);
      if (isRecord(expression) && isRecord(expression.div)) {
        const right = evaluate(expression.div.right, key);
        const byZero = expression.div.by_zero_default;
        if (right === 0) return typeof byZero === 'number' ? byZero : Number.POSITIVE_INFINITY;
        return evaluate(expression.div.left, key) / right;
      }
      throw unsupported(`formula expression ${JSON.stringify(expression)}`);
    };
    return [...points]
      .map(([key, point]) => ({ point, score: Math.fround(evaluate(query.formula, key)) }))
      .sort((a, b) => b.score - a.score);
  }
}

function errorEnvelope(message: string, time: number): Json {
  return { status: { error: message }, time };
}

/** Starts the stand-in on a random port of 127.0.0.1. */
export async function startQdrantStandIn(
  options: QdrantStandInOptions = {},
): Promise<QdrantStandIn> {
  const validator = getSpecValidator('qdrant');
  const log = new ViolationLog(options.logViolations ?? true);
  const engine = new QdrantEngine();
  const requests: QdrantRequestRecord[] = [];
  let unavailable = false;

  const violation = (kind: SpecViolation['kind'], record: QdrantRequestRecord, errors: string[]) =>
    log.record({ service: 'qdrant', kind, method: record.method, url: record.path, errors });

  /** Sends a reply, checked against the spec when `check`; an off-spec reply becomes a 500. */
  const send = (
    response: ServerResponse,
    record: QdrantRequestRecord,
    status: number,
    body: unknown,
    { contentType = 'application/json', check = true } = {},
  ): void => {
    let finalStatus = status;
    let finalBody = body;
    const errors = check
      ? validator.validateResponse({
          method: record.method,
          url: record.path,
          status,
          contentType,
          body,
        })
      : [];
    if (errors.length > 0) {
      violation('reply', record, errors);
      finalStatus = 500;
      finalBody = errorEnvelope(`stand-in bug: off-spec reply: ${errors.join('; ')}`, 0);
    }
    record.status = finalStatus;
    const text = typeof finalBody === 'string' ? finalBody : JSON.stringify(finalBody);
    response.writeHead(finalStatus, { 'content-type': contentType }).end(text);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    const record: QdrantRequestRecord = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      body: undefined,
      receivedAt: started,
    };
    requests.push(record);
    const match = validator.match(record.method, record.path);
    record.operationId = match?.operationId;
    // Error replies of a route outside the extract have no schema to be checked against.
    const fail = (status: number, message: string) =>
      send(response, record, status, errorEnvelope(message, elapsed()), {
        check: match !== undefined,
      });
    let text: string;
    try {
      text = await readText(request);
    } catch {
      return; // the client went away mid-upload
    }
    if (text !== '') {
      try {
        record.body = JSON.parse(text);
      } catch {
        violation('request', record, ['request body: not valid JSON']);
        fail(400, 'Format error in JSON body: not valid JSON');
        return;
      }
    }
    if (unavailable) {
      fail(503, 'Service Unavailable: the stand-in is down');
      return;
    }
    const errors = validator.validateRequest({
      method: record.method,
      url: record.path,
      body: record.body,
    });
    if (match === undefined) {
      violation('request', record, errors);
      fail(404, `Not found: no route ${record.method} ${record.path.split('?')[0]}`);
      return;
    }
    if (errors.length > 0) {
      violation('request', record, errors);
      fail(400, `Format error in JSON body: ${errors.join('; ')}`);
      return;
    }
    try {
      const answer = engine.handle(match.operationId, {
        params: match.pathParams,
        query: new URL(record.path, 'http://x').searchParams,
        body: record.body,
      });
      if ('raw' in answer) {
        send(response, record, 200, answer.raw, { contentType: answer.contentType });
      } else {
        send(response, record, 200, { result: answer.result, status: 'ok', time: elapsed() });
      }
    } catch (error) {
      if (!(error instanceof QdrantHttpError)) throw error;
      if (error.unsupported) violation('unsupported', record, [error.message]);
      fail(error.status, error.message);
    }
  };

  const server = standInServer('qdrant', log, handle);
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  let refused = false;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get violations() {
      return log.list;
    },
    async setDown(down, how = 'unavailable') {
      unavailable = down && how === 'unavailable';
      if (down && how === 'refused' && !refused) {
        refused = true;
        await stop();
      } else if (!down && refused) {
        refused = false;
        await listen(port);
      }
    },
    points(collection) {
      const state = engine.collections.get(collection);
      return [...(state?.points.values() ?? [])].map(({ id, vector, named, sparse, payload }) => ({
        id,
        vector: [...vector],
        named: structuredClone(named),
        sparse: structuredClone(sparse),
        payload: structuredClone(payload),
      }));
    },
    payloadIndexes(collection) {
      const state = engine.collections.get(collection);
      return [...(state?.indexes.values() ?? [])].map((index) => structuredClone(index));
    },
    assertNoViolations: () => log.assertNone(),
    clearViolations: () => log.clear(),
    close: () => (refused ? Promise.resolve() : stop()),
  };
}
