import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChunkPoint, VectorStore } from '../../lambdas/core/ports/vector-store.js';
import { queryVector } from '../../lambdas/core/retrieval/sparse-vector.js';

/** Vector size every contract test uses. */
export const CONTRACT_DIMENSIONS = 4;

/** A fresh, empty store under test, and how to tear it down. */
export interface VectorStoreFixture {
  store: VectorStore;
  dispose?: () => Promise<void>;
}

/** Builds a fresh, empty store of {@link CONTRACT_DIMENSIONS} dimensions for one test. */
export type VectorStoreFactory = (options: { dimensions: number }) => Promise<VectorStoreFixture>;

/** A UUID point id, stable per `(tenant, document, chunk)` like the indexer's UUIDv5 ids. */
export const contractPointId = (
  tenantId: string,
  documentId: string,
  chunkIndex: number,
): string => {
  const key = `${tenantId}:${documentId}:${chunkIndex}`;
  let hash = 0n;
  for (const char of key) hash = (hash * 131n + BigInt(char.codePointAt(0) ?? 0)) % 2n ** 120n;
  const hex = hash.toString(16).padStart(30, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-8${hex.slice(15, 18)}-${hex.slice(18, 30)}`;
};

/** A chunk point for the contract tests. */
export const contractPoint = (
  tenantId: string,
  documentId: string,
  chunkIndex: number,
  vector: number[],
  text = `${documentId} chunk ${chunkIndex}`,
): ChunkPoint => ({
  id: contractPointId(tenantId, documentId, chunkIndex),
  vector,
  payload: { tenantId, documentId, version: 1, title: `Title of ${documentId}`, chunkIndex, text },
});

const X = [1, 0, 0, 0];
const NEAR_X = [0.8, 0.6, 0, 0];
const Y = [0, 1, 0, 0];
const MINUS_X = [-1, 0, 0, 0];

/**
 * The behaviour every {@link VectorStore} adapter must show, as one shared suite: ranking by
 * cosine similarity, score threshold and limit, tenant isolation on every operation, deletes by
 * document and from a chunk index, exact counts, idempotent upserts by id, and an idempotent
 * `ensureReady`.
 *
 * @example
 * describeVectorStoreContract('EmbeddedVectorStore', async ({ dimensions }) => ({
 *   store: new EmbeddedVectorStore({ dimensions }),
 * }));
 */
export const describeVectorStoreContract = (name: string, factory: VectorStoreFactory): void => {
  describe(`${name} (VectorStore contract)`, () => {
    let fixture: VectorStoreFixture;
    let store: VectorStore;

    beforeEach(async () => {
      fixture = await factory({ dimensions: CONTRACT_DIMENSIONS });
      store = fixture.store;
      await store.ensureReady();
    });

    afterEach(async () => {
      await fixture.dispose?.();
    });

    describe('ensureReady', () => {
      it('can be called again, also concurrently, without losing points', async () => {
        await store.upsert('tenant-a', [contractPoint('tenant-a', 'doc-1', 0, X)]);

        await Promise.all([store.ensureReady(), store.ensureReady()]);
        await store.ensureReady();

        expect(await store.count('tenant-a')).toBe(1);
      });
    });

    describe('query', () => {
      beforeEach(async () => {
        await store.upsert('tenant-a', [
          contractPoint('tenant-a', 'doc-y', 0, Y),
          contractPoint('tenant-a', 'doc-x', 0, X),
          contractPoint('tenant-a', 'doc-near', 0, NEAR_X),
          contractPoint('tenant-a', 'doc-opposite', 0, MINUS_X),
        ]);
      });

      it('ranks chunks by cosine similarity, best first, with their payload', async () => {
        const found = await store.query('tenant-a', X, { limit: 10 });

        expect(found.map((chunk) => chunk.documentId)).toEqual([
          'doc-x',
          'doc-near',
          'doc-y',
          'doc-opposite',
        ]);
        expect(found[0]).toEqual({
          documentId: 'doc-x',
          title: 'Title of doc-x',
          chunkIndex: 0,
          text: 'doc-x chunk 0',
          score: expect.closeTo(1, 5),
          denseScore: expect.closeTo(1, 5),
        });
        expect(found.map((chunk) => chunk.score)).toEqual([
          expect.closeTo(1, 5),
          expect.closeTo(0.8, 5),
          expect.closeTo(0, 5),
          expect.closeTo(-1, 5),
        ]);
      });

      it("returns a paged document's chunk with its page, in every mode", async () => {
        const paged = contractPoint('tenant-b', 'doc-pdf', 0, X, 'lighthouse vault code');
        await store.upsert('tenant-b', [{ ...paged, payload: { ...paged.payload, page: 12 } }]);

        const dense = await store.query('tenant-b', X, { limit: 1 });
        const hybrid = await store.query('tenant-b', X, {
          limit: 1,
          lexical: queryVector('lighthouse vault'),
        });

        expect(dense[0]?.page).toBe(12);
        expect(hybrid[0]?.page).toBe(12);
      });

      it('scores by direction, not by length (cosine)', async () => {
        const found = await store.query('tenant-a', [5, 0, 0, 0], { limit: 1 });

        expect(found[0]?.documentId).toBe('doc-x');
        expect(found[0]?.score).toBeCloseTo(1, 5);
      });

      it('leaves out chunks scoring under the threshold', async () => {
        const found = await store.query('tenant-a', X, { limit: 10, scoreThreshold: 0.5 });

        expect(found.map((chunk) => chunk.documentId)).toEqual(['doc-x', 'doc-near']);
      });

      it('returns at most `limit` chunks', async () => {
        const found = await store.query('tenant-a', X, { limit: 2 });

        expect(found.map((chunk) => chunk.documentId)).toEqual(['doc-x', 'doc-near']);
      });

      it('finds nothing for a tenant without points', async () => {
        expect(await store.query('tenant-empty', X, { limit: 10 })).toEqual([]);
      });
    });

    describe('hybrid ranking', () => {
      beforeEach(async () => {
        await store.upsert('tenant-a', [
          contractPoint('tenant-a', 'doc-json', 0, X, 'Request bodies arrive as JSON documents.'),
          contractPoint('tenant-a', 'doc-forms', 0, NEAR_X, 'Form fields are read with Form.'),
          contractPoint('tenant-a', 'doc-upload', 0, Y, 'Declare a parameter of type UploadFile.'),
          contractPoint('tenant-a', 'doc-cookies', 0, MINUS_X, 'Cookies are read with Cookie.'),
        ]);
      });

      it('finds the chunk with an exact identifier first, though its vector is not the nearest', async () => {
        const found = await store.query('tenant-a', X, {
          limit: 3,
          lexical: queryVector('UploadFile'),
        });

        expect(found[0]?.documentId).toBe('doc-upload');
      });

      it('finds a paraphrase through the dense side when no word matches', async () => {
        const found = await store.query('tenant-a', Y, {
          limit: 3,
          lexical: queryVector('how are attachments transmitted'),
        });

        expect(found[0]?.documentId).toBe('doc-upload');
      });

      it('reports the cosine of the best chunk by meaning beside its fused score', async () => {
        const found = await store.query('tenant-a', NEAR_X, {
          limit: 4,
          lexical: queryVector('UploadFile'),
        });

        const closest = found.find((chunk) => chunk.documentId === 'doc-forms');
        expect(closest?.denseScore).toBeCloseTo(1, 5);
        expect(Math.max(...found.map((chunk) => chunk.denseScore ?? -1))).toBeCloseTo(1, 5);
      });

      it('scores a hybrid chunk by its fused ranks plus the saturated BM25 bonus', async () => {
        const lexical = queryVector('UploadFile');
        const fusion = {
          k: 2,
          weights: [1, 1.5],
          candidates: 10,
          lexicalBonus: { weight: 0.5, saturation: 1 },
        };
        const [bm25] = await store.query('tenant-a', X, { limit: 1, mode: 'lexical', lexical });

        const found = await store.query('tenant-a', X, { limit: 10, lexical, fusion });

        const upload = found.find((chunk) => chunk.documentId === 'doc-upload');
        const denseThird = 1 / (3 / 1 + 2 - 1);
        const lexicalFirst = 1 / (1 / 1.5 + 2 - 1);
        const bonus = (0.5 * bm25!.score) / (bm25!.score + 1);
        expect(upload?.score).toBeCloseTo(denseThird + lexicalFirst + bonus, 5);
        expect(found[0]?.documentId).toBe('doc-upload');
      });

      it('ranks by BM25 alone in lexical mode, only chunks that share a word', async () => {
        const found = await store.query('tenant-a', X, {
          limit: 10,
          mode: 'lexical',
          lexical: queryVector('read cookies'),
        });

        expect(found.map((chunk) => chunk.documentId)).toEqual(['doc-cookies', 'doc-forms']);
        expect(found[0]!.score).toBeGreaterThan(found[1]!.score);
      });

      it('ranks by cosine alone in dense mode, whatever the lexical vector', async () => {
        const found = await store.query('tenant-a', X, {
          limit: 1,
          mode: 'dense',
          lexical: queryVector('UploadFile'),
        });

        expect(found[0]?.documentId).toBe('doc-json');
      });

      it("never lets tenant A's documents change tenant B's scores", async () => {
        await store.upsert('tenant-b', [
          contractPoint('tenant-b', 'doc-b1', 0, X, 'Cookies and headers of a request.'),
          contractPoint('tenant-b', 'doc-b2', 0, Y, 'Background tasks run after the response.'),
        ]);
        const query = { limit: 10, lexical: queryVector('request cookies') };
        const before = await store.query('tenant-b', X, { ...query, mode: 'lexical' });
        const hybridBefore = await store.query('tenant-b', X, query);

        await store.upsert(
          'tenant-a',
          Array.from({ length: 20 }, (_, index) =>
            contractPoint('tenant-a', `doc-noise-${index}`, 0, X, 'request cookies request'),
          ),
        );

        expect(await store.query('tenant-b', X, { ...query, mode: 'lexical' })).toEqual(before);
        expect(await store.query('tenant-b', X, query)).toEqual(hybridBefore);
        expect(before.map((chunk) => chunk.documentId)).toEqual(['doc-b1']);
      });
    });

    describe('tenant isolation', () => {
      beforeEach(async () => {
        await store.upsert('tenant-a', [
          contractPoint('tenant-a', 'shared-id', 0, X, 'secret of A'),
          contractPoint('tenant-a', 'shared-id', 1, NEAR_X, 'more of A'),
        ]);
        await store.upsert('tenant-b', [contractPoint('tenant-b', 'shared-id', 0, Y, 'B text')]);
      });

      it("never shows tenant B tenant A's points, even for A's exact vector", async () => {
        const found = await store.query('tenant-b', X, { limit: 10 });

        expect(found.map((chunk) => chunk.text)).toEqual(['B text']);
      });

      it("counts only the caller's points", async () => {
        expect(await store.count('tenant-a')).toBe(2);
        expect(await store.count('tenant-b')).toBe(1);
        expect(await store.count('tenant-b', 'shared-id')).toBe(1);
        expect(await store.count('tenant-c')).toBe(0);
      });

      it("deletes only the caller's chunks of a document id both tenants use", async () => {
        await store.deleteDocumentChunks('tenant-b', 'shared-id');

        expect(await store.count('tenant-b')).toBe(0);
        expect(await store.count('tenant-a', 'shared-id')).toBe(2);
      });

      it('refuses a point whose payload names another tenant', async () => {
        const foreign = contractPoint('tenant-a', 'doc-z', 0, X);

        await expect(store.upsert('tenant-b', [foreign])).rejects.toThrow(RangeError);
        expect(await store.count('tenant-b')).toBe(1);
      });
    });

    describe('deleteDocumentChunks', () => {
      beforeEach(async () => {
        const chunks = [0, 1, 2, 3, 4].map((index) => contractPoint('tenant-a', 'doc-1', index, X));
        await store.upsert('tenant-a', [...chunks, contractPoint('tenant-a', 'doc-2', 0, Y)]);
      });

      it('deletes every chunk of the document and nothing else', async () => {
        await store.deleteDocumentChunks('tenant-a', 'doc-1');

        expect(await store.count('tenant-a', 'doc-1')).toBe(0);
        expect(await store.count('tenant-a', 'doc-2')).toBe(1);
      });

      it('with fromChunkIndex, deletes only the chunks at or past that index', async () => {
        await store.deleteDocumentChunks('tenant-a', 'doc-1', { fromChunkIndex: 2 });

        const left = await store.query('tenant-a', X, { limit: 10, scoreThreshold: 0.5 });
        expect(left.map((chunk) => chunk.chunkIndex).sort()).toEqual([0, 1]);
        expect(await store.count('tenant-a', 'doc-2')).toBe(1);
      });

      it('is harmless for a document without chunks', async () => {
        await store.deleteDocumentChunks('tenant-a', 'doc-missing');

        expect(await store.count('tenant-a')).toBe(6);
      });
    });

    describe('upsert', () => {
      it('overwrites a point with the same id instead of adding one', async () => {
        await store.upsert('tenant-a', [contractPoint('tenant-a', 'doc-1', 0, X, 'first')]);

        await store.upsert('tenant-a', [contractPoint('tenant-a', 'doc-1', 0, Y, 'second')]);

        expect(await store.count('tenant-a')).toBe(1);
        const found = await store.query('tenant-a', Y, { limit: 10 });
        expect(found).toEqual([
          expect.objectContaining({ text: 'second', score: expect.closeTo(1, 5) }),
        ]);
      });

      it('stores a large batch completely', async () => {
        const points = Array.from({ length: 300 }, (_, index) =>
          contractPoint('tenant-a', 'doc-big', index, [1, index / 300, 0, 0]),
        );

        await store.upsert('tenant-a', points);

        expect(await store.count('tenant-a', 'doc-big')).toBe(300);
      });

      it('accepts an empty batch', async () => {
        await store.upsert('tenant-a', []);

        expect(await store.count('tenant-a')).toBe(0);
      });
    });

    describe('ping', () => {
      it('resolves when the store answers', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });

    describe('listDocumentChunks', () => {
      beforeEach(async () => {
        const chunks = [3, 0, 4, 1, 2].map((index) => contractPoint('tenant-a', 'doc-1', index, X));
        await store.upsert('tenant-a', [...chunks, contractPoint('tenant-a', 'doc-2', 0, Y)]);
        await store.upsert('tenant-b', [contractPoint('tenant-b', 'doc-1', 0, X, 'of tenant b')]);
      });

      it("lists a document's chunks in index order, with their text and version, without vectors", async () => {
        const chunks = await store.listDocumentChunks('tenant-a', 'doc-1', {
          offset: 0,
          limit: 10,
        });

        expect(chunks).toEqual(
          [0, 1, 2, 3, 4].map((index) => ({
            chunkIndex: index,
            version: 1,
            text: `doc-1 chunk ${index}`,
          })),
        );
      });

      it('pages from an offset, at most limit chunks', async () => {
        const chunks = await store.listDocumentChunks('tenant-a', 'doc-1', { offset: 2, limit: 2 });

        expect(chunks.map((chunk) => chunk.chunkIndex)).toEqual([2, 3]);
      });

      it("never lists another tenant's chunks of a document id both tenants use", async () => {
        const chunks = await store.listDocumentChunks('tenant-b', 'doc-1', {
          offset: 0,
          limit: 10,
        });

        expect(chunks).toEqual([{ chunkIndex: 0, version: 1, text: 'of tenant b' }]);
      });

      it('lists nothing for a document without chunks', async () => {
        expect(
          await store.listDocumentChunks('tenant-a', 'doc-missing', { offset: 0, limit: 10 }),
        ).toEqual([]);
      });
    });
  });
};
