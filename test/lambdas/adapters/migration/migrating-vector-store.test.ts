import { describe, expect, it } from 'vitest';
import { EmbeddedVectorStore } from '../../../../lambdas/adapters/embedded/embedded-vector-store.js';
import { MigratingVectorStore } from '../../../../lambdas/adapters/migration/migrating-vector-store.js';
import { contractPoint } from '../../../contracts/vector-store-contract.js';

const X = [1, 0, 0, 0];

const setup = async () => {
  const next = new EmbeddedVectorStore({ dimensions: 4 });
  const previous = new EmbeddedVectorStore({ dimensions: 4 });
  await previous.upsert('tenant-a', [contractPoint('tenant-a', 'doc-old', 0, X)]);
  return { next, previous, store: new MigratingVectorStore(next, previous) };
};

describe('MigratingVectorStore', () => {
  it('writes both stores and answers from the previous one, still complete', async () => {
    const { next, store } = await setup();

    await store.upsert('tenant-a', [contractPoint('tenant-a', 'doc-new', 0, X)]);

    expect(await next.count('tenant-a')).toBe(1);
    const found = await store.query('tenant-a', X, { limit: 5 });
    expect(found.map((chunk) => chunk.documentId).sort()).toEqual(['doc-new', 'doc-old']);
    expect(await store.count('tenant-a')).toBe(2);
  });

  it('deletes from both stores', async () => {
    const { next, previous, store } = await setup();
    await store.upsert('tenant-a', [contractPoint('tenant-a', 'doc-new', 0, X)]);

    await store.deleteDocumentChunks('tenant-a', 'doc-new');

    expect(await next.count('tenant-a')).toBe(0);
    expect(await previous.count('tenant-a', 'doc-new')).toBe(0);
    expect(await previous.count('tenant-a', 'doc-old')).toBe(1);
  });
});
