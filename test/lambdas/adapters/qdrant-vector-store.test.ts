import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QdrantVectorStore } from '../../../lambdas/adapters/qdrant/qdrant-vector-store.js';
import { DependencyError } from '../../../lambdas/core/dependency-error.js';
import {
  CONTRACT_DIMENSIONS,
  contractPoint,
  describeVectorStoreContract,
} from '../../contracts/vector-store-contract.js';
import { type QdrantStandIn, startQdrantStandIn } from '../../support/qdrant-stand-in.js';

let standIn: QdrantStandIn;
let collections = 0;

const client = (url = standIn.url, timeout?: number) =>
  new QdrantClient({ url, checkCompatibility: false, ...(timeout ? { timeout } : {}) });

const quickRetry = { retries: 2, baseDelayMs: 1, maxDelayMs: 5 };

const newStore = (options: { collection?: string; batch?: number; dimensions?: number } = {}) => {
  collections += 1;
  const collection = options.collection ?? `chunks-${collections}`;
  const store = new QdrantVectorStore(client(), {
    collection,
    dimensions: options.dimensions ?? CONTRACT_DIMENSIONS,
    upsertBatchSize: options.batch ?? 256,
    retry: quickRetry,
  });
  return { store, collection };
};

const requestsTo = (collection: string, operationId: string) =>
  standIn.requests.filter(
    (request) =>
      request.operationId === operationId && request.path.startsWith(`/collections/${collection}`),
  );

beforeAll(async () => {
  standIn = await startQdrantStandIn({ logViolations: false });
});

afterAll(async () => {
  await standIn.close();
});

afterEach(async () => {
  await standIn.setDown(false);
  try {
    standIn.assertNoViolations();
  } finally {
    standIn.clearViolations();
  }
});

describeVectorStoreContract('QdrantVectorStore', async ({ dimensions }) => ({
  store: newStore({ dimensions }).store,
}));

describe('QdrantVectorStore on the Qdrant 1.19 API', () => {
  describe('ensureReady', () => {
    it('creates a collection with a named cosine vector, a sparse IDF vector and the tenant, document and chunk indexes', async () => {
      const { store, collection } = newStore();

      await store.ensureReady();

      const [create] = requestsTo(collection, 'create_collection');
      expect(create?.body).toMatchObject({
        vectors: { dense: { size: CONTRACT_DIMENSIONS, distance: 'Cosine' } },
        sparse_vectors: { bm25: { modifier: 'idf' } },
      });
      expect(standIn.payloadIndexes(collection)).toEqual([
        { field_name: 'tenantId', field_schema: { type: 'keyword', is_tenant: true } },
        { field_name: 'documentId', field_schema: { type: 'keyword' } },
        { field_name: 'chunkIndex', field_schema: { type: 'integer', lookup: false, range: true } },
      ]);
    });

    it('asks Qdrant only once per store instance', async () => {
      const { store, collection } = newStore();
      await store.ensureReady();
      const before = requestsTo(collection, 'get_collection').length;

      await Promise.all([store.ensureReady(), store.ensureReady()]);

      expect(requestsTo(collection, 'get_collection')).toHaveLength(before);
    });

    it('runs by itself before the first read or write', async () => {
      const { store, collection } = newStore();

      await expect(store.count('tenant-a')).resolves.toBe(0);

      expect(requestsTo(collection, 'create_collection')).toHaveLength(1);
    });

    it('leaves an existing, complete collection alone (a new container)', async () => {
      const { store, collection } = newStore();
      await store.ensureReady();
      const again = new QdrantVectorStore(client(), {
        collection,
        dimensions: CONTRACT_DIMENSIONS,
      });

      await again.ensureReady();

      expect(requestsTo(collection, 'create_collection')).toHaveLength(1);
      expect(requestsTo(collection, 'create_field_index')).toHaveLength(3);
    });

    it('refuses a collection of the earlier single-vector layout, pointing to npm run reindex', async () => {
      collections += 1;
      const collection = `legacy-${collections}`;
      await client().createCollection(collection, {
        vectors: { size: CONTRACT_DIMENSIONS, distance: 'Cosine' },
      });
      const store = new QdrantVectorStore(client(), {
        collection,
        dimensions: CONTRACT_DIMENSIONS,
        retry: quickRetry,
      });

      await expect(store.ensureReady()).rejects.toMatchObject({
        status: 502,
        cause: expect.objectContaining({
          message: expect.stringMatching(/single-vector layout.*npm run reindex/),
        }),
      });
    });

    it('tolerates another container creating the collection at the same time', async () => {
      const { store, collection } = newStore();
      const rival = new QdrantVectorStore(client(), {
        collection,
        dimensions: CONTRACT_DIMENSIONS,
      });

      await Promise.all([store.ensureReady(), rival.ensureReady()]);

      expect(standIn.points(collection)).toEqual([]);
      expect(
        standIn
          .payloadIndexes(collection)
          .map((index) => index.field_name)
          .sort(),
      ).toEqual(['chunkIndex', 'documentId', 'tenantId']);
    });

    it('tries again on the next call after a failure', async () => {
      const { store } = newStore();
      await standIn.setDown(true);
      await expect(store.ensureReady()).rejects.toBeInstanceOf(DependencyError);

      await standIn.setDown(false);

      await expect(store.ensureReady()).resolves.toBeUndefined();
    });

    it('refuses a collection whose vectors have another size', async () => {
      const { store, collection } = newStore({ dimensions: 8 });
      await store.ensureReady();
      const mismatched = new QdrantVectorStore(client(), { collection, dimensions: 4 });

      await expect(mismatched.ensureReady()).rejects.toMatchObject({
        cause: expect.objectContaining({
          message: expect.stringMatching(/8-dimensional.*makes 4/),
        }),
      });
    });
  });

  describe('requests', () => {
    it('filters every query, count and delete by the tenant', async () => {
      const { store, collection } = newStore();
      await store.ensureReady();
      await store.upsert('tenant-a', [contractPoint('tenant-a', 'doc-1', 0, [1, 0, 0, 0])]);

      await store.query('tenant-a', [1, 0, 0, 0], { limit: 3 });
      await store.count('tenant-a', 'doc-1');
      await store.deleteDocumentChunks('tenant-a', 'doc-1', { fromChunkIndex: 1 });

      const reads = [
        ...requestsTo(collection, 'query_points'),
        ...requestsTo(collection, 'count_points'),
        ...requestsTo(collection, 'delete_points'),
      ];
      expect(reads).toHaveLength(3);
      for (const read of reads) {
        expect(read.body).toMatchObject({
          filter: {
            must: expect.arrayContaining([{ key: 'tenantId', match: { value: 'tenant-a' } }]),
          },
        });
      }
      expect(requestsTo(collection, 'delete_points')[0]?.body).toMatchObject({
        filter: { must: expect.arrayContaining([{ key: 'chunkIndex', range: { gte: 1 } }]) },
      });
    });

    it('queries through /points/query, never the removed /points/search', async () => {
      const { store } = newStore();
      await store.ensureReady();

      await store.query('tenant-a', [0, 1, 0, 0], { limit: 1 });

      expect(standIn.requests.some((request) => request.path.includes('/points/search'))).toBe(
        false,
      );
      expect(standIn.requests.some((request) => request.path.includes('/points/query'))).toBe(true);
    });

    it('upserts in batches and waits for each write', async () => {
      const { store, collection } = newStore({ batch: 2 });
      await store.ensureReady();
      const points = [0, 1, 2, 3, 4].map((index) =>
        contractPoint('tenant-a', 'doc-1', index, [1, 0, 0, index]),
      );

      await store.upsert('tenant-a', points);

      const upserts = requestsTo(collection, 'upsert_points');
      expect(
        upserts.map((request) => (request.body as { points: unknown[] }).points.length),
      ).toEqual([2, 2, 1]);
      expect(upserts.every((request) => request.path.includes('wait=true'))).toBe(true);
      expect(standIn.points(collection)[0]?.payload).toEqual(points[0]?.payload);
    });
  });

  describe('failures', () => {
    it('answers DependencyError 503 when Qdrant stays unavailable, after retrying', async () => {
      const { store, collection } = newStore();
      await store.ensureReady();
      await standIn.setDown(true, 'unavailable');

      const failure = await store.count('tenant-a').catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(DependencyError);
      expect(failure).toMatchObject({ dependency: 'qdrant', failure: 'unavailable', status: 503 });
      expect(requestsTo(collection, 'count_points')).toHaveLength(3);
    });

    it('recovers when Qdrant comes back within the retries', async () => {
      const { store, collection } = newStore();
      await store.ensureReady();
      await standIn.setDown(true, 'unavailable');
      setTimeout(() => void standIn.setDown(false), 2);
      const patient = new QdrantVectorStore(client(), {
        collection,
        dimensions: CONTRACT_DIMENSIONS,
        retry: { retries: 5, baseDelayMs: 20, maxDelayMs: 50 },
      });

      await expect(patient.count('tenant-a')).resolves.toBe(0);
    });

    it('answers DependencyError 503 when the connection is refused', async () => {
      const { store } = newStore();
      await store.ensureReady();
      await standIn.setDown(true, 'refused');

      await expect(store.ping()).rejects.toMatchObject({ dependency: 'qdrant', status: 503 });
    });

    it('answers DependencyError 502 when Qdrant rejects the request', async () => {
      const { store } = newStore();
      const tooShort = [1, 0];

      await expect(store.query('tenant-a', tooShort, { limit: 1 })).rejects.toMatchObject({
        dependency: 'qdrant',
        failure: 'bad-gateway',
        status: 502,
      });
      standIn.clearViolations(); // the stand-in rightly flags the short vector
    });

    describe('a Qdrant that never answers', () => {
      let silent: Server;
      const sockets: Socket[] = [];

      beforeEach(async () => {
        silent = createServer((socket) => {
          sockets.push(socket);
        });
        await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      });

      afterEach(async () => {
        for (const socket of sockets.splice(0)) socket.destroy();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      });

      it('answers DependencyError 504 after the client timeout, without retrying', async () => {
        const { port } = silent.address() as AddressInfo;
        const store = new QdrantVectorStore(client(`http://127.0.0.1:${port}`, 100), {
          collection: 'chunks',
          dimensions: 4,
          retry: quickRetry,
        });

        const started = Date.now();
        const failure = await store.count('tenant-a').catch((error: unknown) => error);

        expect(failure).toMatchObject({ dependency: 'qdrant', failure: 'timeout', status: 504 });
        expect(Date.now() - started).toBeLessThan(1_000);
      });

      it("rejects at once with the caller's abort, untranslated", async () => {
        const { port } = silent.address() as AddressInfo;
        const store = new QdrantVectorStore(client(`http://127.0.0.1:${port}`, 5_000), {
          collection: 'chunks',
          dimensions: 4,
        });
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 20);

        const failure = await store
          .query('tenant-a', [1, 0, 0, 0], { limit: 1, signal: controller.signal })
          .catch((error: unknown) => error);

        expect(failure).not.toBeInstanceOf(DependencyError);
        expect(failure).toMatchObject({ name: 'AbortError' });
      });
    });
  });
});
