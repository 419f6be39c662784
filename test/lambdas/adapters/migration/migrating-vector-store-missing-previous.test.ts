import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigratingVectorStore } from '../../../../lambdas/adapters/migration/migrating-vector-store.js';
import { QdrantVectorStore } from '../../../../lambdas/adapters/qdrant/qdrant-vector-store.js';
import { contractPoint } from '../../../contracts/vector-store-contract.js';
import { type QdrantStandIn, startQdrantStandIn } from '../../../support/qdrant-stand-in.js';

const X = [1, 0, 0, 0];
const quickRetry = { retries: 1, baseDelayMs: 1, maxDelayMs: 5 };

let standIn: QdrantStandIn;

beforeAll(async () => {
  standIn = await startQdrantStandIn({ logViolations: false });
});

afterAll(async () => {
  await standIn.close();
});

/** The stack as `composeVectorStore` builds it with `QDRANT_PREVIOUS_COLLECTION` set. */
const migratingStore = (collection: string, previousCollection: string) => {
  const client = new QdrantClient({ url: standIn.url, checkCompatibility: false });
  const next = new QdrantVectorStore(client, { collection, dimensions: 4, retry: quickRetry });
  const previous = new QdrantVectorStore(client, {
    collection: previousCollection,
    dimensions: 4,
    layout: 'single',
    createIfMissing: false,
    retry: quickRetry,
  });
  return { next, store: new MigratingVectorStore(next, previous) };
};

describe('MigratingVectorStore when the previous collection does not exist', () => {
  it('refuses, naming the collection, instead of answering from an empty one it created', async () => {
    // Arrange: the hybrid collection holds the tenant's chunks; the previous collection's name
    // is mistyped, or the old collection was already deleted (step 3 of the README done in
    // the other order), while QDRANT_PREVIOUS_COLLECTION is still set.
    const { next, store } = migratingStore('chunks-hybrid-a', 'chunks-typo-a');
    await next.upsert('tenant-a', [contractPoint('tenant-a', 'doc-1', 0, X, 'the answer')]);

    // Act
    const outcome = await store.query('tenant-a', X, { limit: 5 }).then(
      (found) => found,
      (error: unknown) => error,
    );

    // Assert
    expect(String((outcome as Error).cause)).toContain('collection chunks-typo-a does not exist');
    expect(
      standIn.requests.filter(
        (request) =>
          request.operationId === 'create_collection' &&
          request.path.startsWith('/collections/chunks-typo-a'),
      ),
    ).toEqual([]);
  });

  it('refuses to count the chunks rather than count zero', async () => {
    // Arrange
    const { next, store } = migratingStore('chunks-hybrid-b', 'chunks-typo-b');
    await next.upsert('tenant-a', [
      contractPoint('tenant-a', 'doc-1', 0, X),
      contractPoint('tenant-a', 'doc-1', 1, X),
    ]);

    // Act
    const counted = await store.count('tenant-a', 'doc-1').then(
      (count) => count,
      (error: unknown) => error,
    );

    // Assert
    expect(counted).not.toBe(0);
  });
});
