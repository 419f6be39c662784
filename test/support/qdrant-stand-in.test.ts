import { connect } from 'node:net';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  QDRANT_STAND_IN_VERSION,
  type QdrantStandIn,
  startQdrantStandIn,
} from './qdrant-stand-in.js';

const SIZE = 8;

/** A small seeded PRNG, so the "random" vectors are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cosine(a: readonly number[], b: readonly number[]): number {
  const dot = a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
  return dot / (Math.hypot(...a) * Math.hypot(...b));
}

/** Opens (and closes) a fresh TCP connection, so no pooled keep-alive socket is reused. */
function connectTo(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

let collectionCounter = 0;
function freshName(): string {
  collectionCounter += 1;
  return `docs_${collectionCounter}`;
}

describe('QdrantStandIn', () => {
  let standIn: QdrantStandIn;
  let client: QdrantClient;

  beforeAll(async () => {
    standIn = await startQdrantStandIn({ logViolations: false });
    client = new QdrantClient({ url: standIn.url, checkCompatibility: false });
  });

  afterEach(() => {
    standIn.assertNoViolations();
  });

  afterAll(async () => {
    await standIn.close();
  });

  async function createCollection(name = freshName()): Promise<string> {
    await client.createCollection(name, { vectors: { size: SIZE, distance: 'Cosine' } });
    return name;
  }

  it('answers the version check of the real client at GET /', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const checked = new QdrantClient({ url: standIn.url });

    const info = await checked.versionInfo();
    await vi.waitFor(() => expect(standIn.requests.filter((r) => r.path === '/')).toHaveLength(2));

    expect(info).toMatchObject({ version: QDRANT_STAND_IN_VERSION });
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('serves the real client: create, exists, index, upsert, query, count, delete', async () => {
    const name = freshName();

    expect(await client.collectionExists(name)).toEqual({ exists: false });
    expect(
      await client.createCollection(name, { vectors: { size: SIZE, distance: 'Cosine' } }),
    ).toBe(true);
    expect(await client.collectionExists(name)).toEqual({ exists: true });
    const indexed = await client.createPayloadIndex(name, {
      field_name: 'tenant_id',
      field_schema: { type: 'keyword', is_tenant: true },
      wait: true,
    });
    const upserted = await client.upsert(name, {
      wait: true,
      points: [
        { id: 1, vector: [1, 0, 0, 0, 0, 0, 0, 0], payload: { tenant_id: 't1' } },
        { id: 2, vector: [0, 1, 0, 0, 0, 0, 0, 0], payload: { tenant_id: 't2' } },
      ],
    });
    const found = await client.query(name, { query: [1, 0, 0, 0, 0, 0, 0, 0], limit: 1 });
    const counted = await client.count(name, {});
    const deleted = await client.delete(name, {
      wait: true,
      filter: { must: [{ key: 'tenant_id', match: { value: 't2' } }] },
    });
    const info = await client.getCollection(name);

    expect(indexed.status).toBe('completed');
    expect(upserted.status).toBe('completed');
    expect(found.points.map((point) => point.id)).toEqual([1]);
    expect(counted.count).toBe(2);
    expect(deleted.status).toBe('completed');
    expect(info.points_count).toBe(1);
    expect(info.payload_schema.tenant_id).toMatchObject({ data_type: 'keyword', points: 1 });
  });

  it('rejects POST /collections/{name}/points/search, which Qdrant 1.19 no longer has', async () => {
    const name = await createCollection();

    const response = await fetch(`${standIn.url}/collections/${name}/points/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vector: new Array(SIZE).fill(0.1), limit: 3 }),
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: { error: expect.any(String) } });
    expect(standIn.violations).toHaveLength(1);
    expect(standIn.violations[0]).toMatchObject({ kind: 'request', method: 'POST' });
    expect(standIn.violations[0]?.errors[0]).toContain('is not an operation of the qdrant spec');
    expect(() => standIn.assertNoViolations()).toThrow(/points\/search/);
    standIn.clearViolations();
  });

  it('rejects a request body the spec forbids, with 400 and a recorded violation', async () => {
    const name = await createCollection();

    const failure = client.upsert(name, {
      points: [{ id: -5, vector: new Array(SIZE).fill(1) }],
    });

    await expect(failure).rejects.toMatchObject({ status: 400 });
    expect(standIn.violations.map((violation) => violation.kind)).toEqual(['request']);
    expect(standIn.violations[0]?.errors.join('\n')).toMatch(/points\/0\/id/);
    standIn.clearViolations();
  });

  it('answers 404 in Qdrant error format for a missing collection', async () => {
    const response = await fetch(`${standIn.url}/collections/nope`);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      status: { error: "Not found: Collection `nope` doesn't exist!" },
    });
  });

  it('answers 400 for a vector of the wrong size', async () => {
    const name = await createCollection();

    const failure = client.upsert(name, { wait: true, points: [{ id: 1, vector: [1, 2, 3] }] });

    await expect(failure).rejects.toMatchObject({ status: 400 });
    expect(standIn.points(name)).toEqual([]);
  });

  it('normalises vectors on upsert, as Qdrant does for Cosine', async () => {
    const name = await createCollection();

    await client.upsert(name, {
      wait: true,
      points: [{ id: 7, vector: [3, 4, 0, 0, 0, 0, 0, 0] }],
    });

    const [point] = standIn.points(name);
    expect(point?.vector[0]).toBeCloseTo(0.6, 6);
    expect(point?.vector[1]).toBeCloseTo(0.8, 6);
    expect(Math.hypot(...(point?.vector ?? []))).toBeCloseTo(1, 6);
  });

  it('ranks by exact cosine similarity within a tenant filter', async () => {
    const name = await createCollection();
    await client.createPayloadIndex(name, {
      field_name: 'tenant_id',
      field_schema: { type: 'keyword', is_tenant: true },
      wait: true,
    });
    const random = seeded(42);
    const points = Array.from({ length: 60 }, (_, index) => ({
      id: index + 1,
      vector: Array.from({ length: SIZE }, () => random() * 2 - 1),
      payload: { tenant_id: `tenant-${index % 3}`, position: index },
    }));
    await client.upsert(name, { wait: true, points });
    const query = Array.from({ length: SIZE }, () => random() * 2 - 1);
    const expected = points
      .filter((point) => point.payload.tenant_id === 'tenant-1')
      .map((point) => ({ id: point.id, score: cosine(query, point.vector) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 5);

    const result = await client.query(name, {
      query,
      filter: { must: [{ key: 'tenant_id', match: { value: 'tenant-1' } }] },
      limit: 5,
      with_payload: true,
    });

    expect(result.points.map((point) => point.id)).toEqual(expected.map((point) => point.id));
    result.points.forEach((point, index) => {
      expect(point.score).toBeCloseTo(expected[index]?.score ?? Number.NaN, 5);
      expect(point.payload?.tenant_id).toBe('tenant-1');
    });
    expect(standIn.payloadIndexes(name)).toEqual([
      { field_name: 'tenant_id', field_schema: { type: 'keyword', is_tenant: true } },
    ]);
  });

  it('applies score_threshold, limit, offset, with_payload and with_vector', async () => {
    const name = await createCollection();
    const axis = (index: number, weight = 1) =>
      Array.from({ length: SIZE }, (_, i) => (i === index ? weight : i === 0 ? 1 - weight : 0));
    await client.upsert(name, {
      wait: true,
      points: [
        { id: 1, vector: axis(0), payload: { a: 1, b: 2 } },
        { id: 2, vector: axis(1, 0.5), payload: { a: 1, b: 2 } },
        { id: 3, vector: axis(2), payload: { a: 1, b: 2 } },
      ],
    });

    const result = await client.query(name, {
      query: axis(0),
      score_threshold: 0.5,
      limit: 1,
      offset: 1,
      with_payload: ['a'],
      with_vector: true,
    });

    expect(result.points).toHaveLength(1);
    expect(result.points[0]).toMatchObject({ id: 2, payload: { a: 1 } });
    expect(result.points[0]?.payload).not.toHaveProperty('b');
    expect(result.points[0]?.vector).toHaveLength(SIZE);
  });

  it('counts exactly with nested should / must_not, match.any and numeric range', async () => {
    const name = await createCollection();
    await client.upsert(name, {
      wait: true,
      points: Array.from({ length: 20 }, (_, index) => ({
        id: index,
        vector: Array.from({ length: SIZE }, (__, i) => (i === index % SIZE ? 1 : 0.1)),
        payload: { kind: ['pdf', 'md', 'txt'][index % 3], size: index, tags: [`t${index % 4}`] },
      })),
    });
    const filter = {
      must: [{ key: 'size', range: { gte: 5, lt: 15 } }],
      should: [
        { key: 'kind', match: { any: ['pdf', 'md'] } },
        { must: [{ key: 'tags', match: { value: 't3' } }] },
      ],
      must_not: [{ key: 'size', match: { value: 9 } }],
    };
    const expected = Array.from({ length: 20 }, (_, index) => index).filter(
      (index) => index >= 5 && index < 15 && (index % 3 !== 2 || index % 4 === 3) && index !== 9,
    ).length;

    const { count } = await client.count(name, { filter, exact: true });

    expect(count).toBe(expected);
  });

  it('deletes points by filter and by ids', async () => {
    const name = await createCollection();
    await client.upsert(name, {
      wait: true,
      points: [1, 2, 3, 4].map((id) => ({
        id,
        vector: new Array(SIZE).fill(id),
        payload: { document_id: id <= 2 ? 'doc-a' : 'doc-b' },
      })),
    });

    await client.delete(name, {
      wait: true,
      filter: { must: [{ key: 'document_id', match: { value: 'doc-a' } }] },
    });
    const afterFilter = standIn.points(name).map((point) => point.id);
    await client.delete(name, { wait: true, points: [3] });
    const afterIds = standIn.points(name).map((point) => point.id);

    expect(afterFilter).toEqual([3, 4]);
    expect(afterIds).toEqual([4]);
    expect((await client.count(name, {})).count).toBe(1);
  });

  describe('sparse vectors, IDF and fusion', () => {
    const hybridCollection = async () => {
      const name = freshName();
      await client.createCollection(name, {
        vectors: { dense: { size: 2, distance: 'Cosine' } },
        sparse_vectors: { bm25: { modifier: 'idf' } },
      });
      const point = (id: number, tenant: string, dense: number[], terms: number[]) => ({
        id,
        vector: { dense, bm25: { indices: terms, values: terms.map(() => 1) } },
        payload: { tenant },
      });
      await client.upsert(name, {
        wait: true,
        points: [
          point(1, 'a', [1, 0], [10, 20]),
          point(2, 'a', [0, 1], [20]),
          point(3, 'b', [1, 0], [10]),
          point(4, 'b', [1, 0], [10]),
          point(5, 'b', [1, 0], [10]),
        ],
      });
      return name;
    };
    const idf = (n: number, df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
    const tenant = (value: string) => ({ must: [{ key: 'tenant', match: { value } }] });

    it('scores a sparse query by dot product times IDF over the whole collection', async () => {
      const name = await hybridCollection();

      const { points } = await client.query(name, {
        query: { indices: [10], values: [1] },
        using: 'bm25',
        filter: tenant('a'),
      });

      expect(points.map((point) => point.id)).toEqual([1]);
      expect(points[0]?.score).toBeCloseTo(idf(5, 4), 5);
    });

    it('computes IDF over the params.idf corpus filter only', async () => {
      const name = await hybridCollection();

      const { points } = await client.query(name, {
        query: { indices: [10], values: [1] },
        using: 'bm25',
        filter: tenant('a'),
        params: { idf: { corpus: tenant('a') } },
      });

      expect(points[0]?.score).toBeCloseTo(idf(2, 1), 5);
    });

    it('fuses prefetches with weighted rrf, as Qdrant 1.19 computes it', async () => {
      const name = await hybridCollection();

      const { points } = await client.query(name, {
        prefetch: [
          { query: [1, 0], using: 'dense', filter: tenant('a') },
          { query: { indices: [20], values: [1] }, using: 'bm25', filter: tenant('a') },
        ],
        query: { rrf: { k: 2, weights: [1, 3] } },
      });

      expect(points.map((point) => point.id)).toEqual([1, 2]);
      expect(points[0]?.score).toBeCloseTo(1 / 2 + 1 / (1 / 3 + 1), 5);
      expect(points[1]?.score).toBeCloseTo(1 / 3 + 1 / (2 / 3 + 1), 5);
    });
  });

  it('answers 503 while set down as unavailable, and serves again once back up', async () => {
    const name = await createCollection();

    await standIn.setDown(true);
    const whileDown = client.collectionExists(name);
    await expect(whileDown).rejects.toMatchObject({ status: 503 });
    await standIn.setDown(false);

    expect(await client.collectionExists(name)).toEqual({ exists: true });
  });

  it('refuses connections while set down as refused, and keeps its data once back up', async () => {
    const name = await createCollection();

    await standIn.setDown(true, 'refused');
    await expect(connectTo(standIn.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await standIn.setDown(false);

    expect(await client.collectionExists(name)).toEqual({ exists: true });
  });
});
