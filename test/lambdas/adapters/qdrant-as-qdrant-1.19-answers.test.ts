/**
 * Review: where the Qdrant stand-in answers differently from real Qdrant 1.19 (source: the
 * qdrant/qdrant snapshot at v1.19.0, commit 74f3e85b), in ways that reach the adapter. Every
 * test asserts real Qdrant's behaviour (or what the adapter must do given it) and fails on the
 * current stand-in / adapter.
 */
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inclusiveThreshold,
  QdrantVectorStore,
} from '../../../lambdas/adapters/qdrant/qdrant-vector-store.js';
import { DependencyError } from '../../../lambdas/core/dependency-error.js';
import { contractPoint } from '../../contracts/vector-store-contract.js';
import { type QdrantStandIn, startQdrantStandIn } from '../../support/qdrant-stand-in.js';

let standIn: QdrantStandIn;
let client: QdrantClient;
let counter = 0;
const fresh = () => {
  counter += 1;
  return `review_${counter}`;
};

beforeAll(async () => {
  standIn = await startQdrantStandIn({ logViolations: false });
  client = new QdrantClient({ url: standIn.url, checkCompatibility: false });
});

afterAll(async () => {
  await standIn.close();
});

const X = [1, 0, 0, 0];

/** A hybrid collection as the adapter lays it out, with the sparse modifier given. */
async function hybridCollection(modifier?: 'idf' | 'none'): Promise<string> {
  const name = fresh();
  await client.createCollection(name, {
    vectors: { dense: { size: 4, distance: 'Cosine' } },
    sparse_vectors: { bm25: modifier === undefined ? {} : { modifier } },
  });
  await client.upsert(name, {
    wait: true,
    points: [
      { id: 1, vector: { dense: X, bm25: { indices: [10], values: [1] } }, payload: { t: 'a' } },
      {
        id: 2,
        vector: { dense: [0, 1, 0, 0], bm25: { indices: [20], values: [1] } },
        payload: { t: 'a' },
      },
      {
        id: 3,
        vector: { dense: [0, 0, 1, 0], bm25: { indices: [30], values: [1] } },
        payload: { t: 'a' },
      },
    ],
  });
  return name;
}

describe('score_threshold (Qdrant keeps only strictly better scores)', () => {
  // lib/segment/src/types.rs:364-369 `check_threshold`: LargeBetter => score > threshold;
  // applied to every leaf search (root or prefetch) in lib/collection/src/shards/local_shard/search.rs:170-174.
  it('stand-in: a point whose cosine equals score_threshold is not returned', async () => {
    const name = fresh();
    await client.createCollection(name, { vectors: { size: 4, distance: 'Cosine' } });
    await client.upsert(name, { wait: true, points: [{ id: 1, vector: X }] });

    const { points } = await client.query(name, { query: X, score_threshold: 1 });

    expect(points.map((point) => point.id)).toEqual([]);
  });

  it('adapter: sends a threshold under which a chunk scoring exactly scoreThreshold still passes Qdrant', async () => {
    // The port: scoreThreshold "leaves out dense candidates UNDER this cosine" (and the embedded
    // store keeps score >= threshold). Real Qdrant keeps only score > sent threshold (f32).
    const collection = fresh();
    const store = new QdrantVectorStore(client, { collection, dimensions: 4 });
    await store.upsert('t', [contractPoint('t', 'doc-x', 0, X)]);
    const before = standIn.requests.length;

    await store.query('t', X, { limit: 10, scoreThreshold: 1 });

    const sent = standIn.requests
      .slice(before)
      .find((request) => request.operationId === 'query_points')?.body as {
      score_threshold?: number;
    };
    const cosineOfDocX = Math.fround(1);
    const keptByQdrant = cosineOfDocX > Math.fround(sent.score_threshold ?? -Infinity);
    expect(keptByQdrant).toBe(true);
  });
});

describe('params.idf on a sparse vector without the idf modifier', () => {
  // lib/shard/src/query/query_context.rs:25-38: "search param `idf` requires a sparse vector with
  // the `idf` modifier" (validation error → CollectionError::BadInput, operations/types.rs:1175
  // → HTTP 400, src/actix/helpers.rs:247); the check is the modifier, segments_searcher.rs:189-200.
  it('stand-in: answers 400, as Qdrant 1.19 does, instead of scoring without IDF', async () => {
    const name = await hybridCollection();

    const status = await client
      .query(name, {
        query: { indices: [10], values: [1] },
        using: 'bm25',
        filter: { must: [{ key: 't', match: { value: 'a' } }] },
        params: { idf: { corpus: { must: [{ key: 't', match: { value: 'a' } }] } } },
      })
      .then(
        () => 200,
        (error: { status?: number }) => error.status,
      );

    expect(status).toBe(400);
  });

  it('adapter: ensureReady refuses a hybrid collection whose bm25 vector lacks the idf modifier', async () => {
    // On such a collection real Qdrant rejects every lexical and hybrid query (400 → an opaque
    // 502 per question); the adapter checks only that `bm25` exists (denseSizeOf).
    const collection = await hybridCollection();
    const store = new QdrantVectorStore(client, { collection, dimensions: 4 });

    await expect(store.ensureReady()).rejects.toBeInstanceOf(DependencyError);
  });
});

describe('rrf fusion as Qdrant 1.19 computes it', () => {
  // lib/segment/src/common/reciprocal_rank_fusion.rs:32-39: f32 arithmetic; ScoredPoint.score is
  // an f32, serialised by serde_json (ryu) as its shortest round-tripping decimal.
  it('stand-in: a fused score is an f32 (1/3 arrives as 0.33333334)', async () => {
    const name = await hybridCollection('idf');

    const { points } = await client.query(name, {
      prefetch: [
        { query: X, using: 'dense', limit: 2 },
        { query: { indices: [99], values: [1] }, using: 'bm25' },
      ],
      query: { rrf: { k: 2 } },
    });

    // Second by meaning, in no other ranking: 1 / (1 + 2).
    expect(points[1]?.score).toBe(0.33333334);
  });

  // reciprocal_rank_fusion.rs:32-36 `position_score`: `if weight <= 0.0 { return 0.0; }`.
  it('stand-in: a non-positive rrf weight contributes 0, not an infinite or negative score', async () => {
    const name = await hybridCollection('idf');

    const reply = await client
      .query(name, {
        prefetch: [
          { query: X, using: 'dense', limit: 1 },
          { query: { indices: [20], values: [1] }, using: 'bm25' },
        ],
        query: { rrf: { k: 2, weights: [1, -1] } },
      })
      .then(
        (result) => result.points.map((point) => [point.id, point.score]),
        (error: { status?: number }) => `status ${error.status}`,
      );

    expect(reply).toEqual([
      [1, 0.5],
      [2, 0],
    ]);
  });
});

describe('inclusiveThreshold', () => {
  it('sends the f32 just below the threshold, so a score equal to it passes Qdrant', () => {
    expect(Math.fround(inclusiveThreshold(0.25))).toBeLessThan(0.25);
    expect(Math.fround(inclusiveThreshold(0.25))).toBe(
      new Float32Array(
        new Int32Array([new Int32Array(new Float32Array([0.25]).buffer)[0]! - 1]).buffer,
      )[0],
    );
  });

  it('steps below zero and below negative thresholds too', () => {
    expect(inclusiveThreshold(0)).toBeLessThan(0);
    expect(inclusiveThreshold(-1)).toBeLessThan(-1);
    expect(inclusiveThreshold(-1)).toBeGreaterThan(-1.000001);
  });
});
