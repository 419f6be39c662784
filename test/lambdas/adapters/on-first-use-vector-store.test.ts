import { describe, expect, it } from 'vitest';
import { OnFirstUseVectorStore } from '../../../lambdas/adapters/deferred/on-first-use-vector-store.js';
import { DependencyError } from '../../../lambdas/core/dependency-error.js';
import type { VectorStore } from '../../../lambdas/core/ports/vector-store.js';
import { FakeVectorStore } from '../../support/fakes/fake-vector-store.js';

const point = (documentId: string, chunkIndex: number) => ({
  id: `${documentId}-${chunkIndex}`,
  vector: [1, 0, 0],
  payload: {
    tenantId: 'tenant-a',
    documentId,
    title: documentId,
    chunkIndex,
    text: `chunk ${chunkIndex} of ${documentId}`,
    version: 1,
  },
});

/** A build that counts its calls and hands out `store`, failing the first `failures` times. */
const countingBuild = (store: VectorStore, failures = 0) => {
  const build = {
    calls: 0,
    run: async (): Promise<VectorStore> => {
      build.calls += 1;
      if (build.calls <= failures) {
        throw new DependencyError('secrets-manager', 'unavailable', 'secret read failed');
      }
      return store;
    },
  };
  return build;
};

describe('OnFirstUseVectorStore', () => {
  it('builds nothing until its first call', () => {
    const build = countingBuild(new FakeVectorStore());

    new OnFirstUseVectorStore(build.run);

    expect(build.calls).toBe(0);
  });

  it('builds once for calls made at the same time, and answers each from the built store', async () => {
    const inner = new FakeVectorStore();
    await inner.upsert('tenant-a', [point('doc-1', 0), point('doc-1', 1), point('doc-2', 0)]);
    const build = countingBuild(inner);
    const store = new OnFirstUseVectorStore(build.run);

    const [all, ofDoc1] = await Promise.all([
      store.count('tenant-a'),
      store.count('tenant-a', 'doc-1'),
    ]);

    expect(build.calls).toBe(1);
    expect([all, ofDoc1]).toEqual([3, 2]);
  });

  it('passes the arguments through to the built store', async () => {
    const inner = new FakeVectorStore();
    await inner.upsert('tenant-a', [point('doc-1', 0), point('doc-1', 1)]);
    const store = new OnFirstUseVectorStore(countingBuild(inner).run);

    await store.deleteDocumentChunks('tenant-a', 'doc-1', { fromChunkIndex: 1 });

    expect(await inner.count('tenant-a', 'doc-1')).toBe(1);
  });

  it('fails the call whose build fails, and builds again on the next call', async () => {
    const build = countingBuild(new FakeVectorStore(), 1);
    const store = new OnFirstUseVectorStore(build.run);

    const first = store.count('tenant-a').catch((error: unknown) => error);
    const second = await first.then(() => store.count('tenant-a'));

    expect(await first).toBeInstanceOf(DependencyError);
    expect(second).toBe(0);
    expect(build.calls).toBe(2);
  });
});
