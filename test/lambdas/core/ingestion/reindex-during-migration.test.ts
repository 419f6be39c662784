import { describe, expect, it } from 'vitest';
import { MigratingVectorStore } from '../../../../lambdas/adapters/migration/migrating-vector-store.js';
import { issueApiKey } from '../../../../lambdas/core/auth/issue-api-key.js';
import { IndexDocument } from '../../../../lambdas/core/ingestion/index-document.js';
import { ReindexDocuments } from '../../../../lambdas/core/ingestion/reindex-documents.js';
import { FakeEmbedder } from '../../../support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../../support/fakes/fake-vector-store.js';
import { InMemoryApiKeyStore } from '../../../support/fakes/in-memory-api-key-store.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';
import { testReaders } from '../../../support/readers.js';
import { reconcilerOver } from '../../../support/reconciler-fixture.js';

const MINUTE = 60_000;

/**
 * A deployment indexed into the previous (single-vector) collection, then redeployed for the
 * migration (README, "Migrating a Qdrant deployment to the hybrid layout", step 1): writes go
 * to both collections, reads to the previous one.
 */
const migratingDeployment = async () => {
  const world = ingestionFixture();
  const previous = world.vectors;
  const apiKeys = new InMemoryApiKeyStore();
  await issueApiKey(apiKeys, world.clock, 'acme');
  const ids: string[] = [];
  for (const title of ['Guide', 'Handbook', 'FAQ']) {
    const { id } = await world.uploadText(title, sectionedMarkdown(3, title));
    await world.indexDocument.execute(world.queue.jobs.at(-1)!);
    ids.push(id);
  }
  world.queue.jobs.length = 0;
  const next = new FakeVectorStore();
  const migratingIndexer = new IndexDocument({
    documents: world.documents,
    blobs: world.blobs,
    embedder: new FakeEmbedder(),
    vectors: new MigratingVectorStore(next, previous),
    queue: world.queue,
    clock: world.clock,
    chunking: { maxTokens: 40, overlapTokens: 8 },
    readers: testReaders,
  });
  const reindex = new ReindexDocuments({
    documents: world.documents,
    apiKeys,
    blobs: world.blobs,
    queue: world.queue,
    clock: world.clock,
  });
  return { world, ids, next, migratingIndexer, reindex };
};

describe('npm run reindex during a collection migration', () => {
  it('shows no document ready whose chunks the new collection does not hold yet', async () => {
    // Arrange: three ready documents, all in the previous collection only.
    const { world, ids, next, reindex } = await migratingDeployment();

    // Act: step 2 of the migration; the deployed indexer has not taken the jobs yet.
    const { jobs } = await reindex.execute();

    // Assert: step 3 says to drop the previous collection "once every document is ready
    // again", deciding "from the documents' statuses". A document shown ready must therefore
    // be in the new collection, or chat would then answer from an incomplete one.
    expect(jobs).toHaveLength(3);
    for (const id of ids) {
      const record = await world.documents.get('acme', id);
      const inNewCollection = (await next.count('acme', id)) > 0;
      expect({ id, status: record?.status, inNewCollection }).not.toMatchObject({
        status: 'ready',
        inNewCollection: false,
      });
    }
  });

  it('re-drives a re-index job that was lost, so the new collection is completed', async () => {
    // Arrange: the re-index jobs are sent; one of them never reaches the indexer (expired
    // from the queue during an outage, like the losses the reconciler exists for).
    const { world, ids, next, migratingIndexer, reindex } = await migratingDeployment();
    await reindex.execute();
    const [lost, ...delivered] = world.queue.jobs.splice(0);
    for (const job of delivered) await migratingIndexer.execute(job);
    const reconcile = reconcilerOver(world);

    // Act: the reconciler runs, long after, and whatever it queues is indexed.
    world.clock.advance(60 * MINUTE);
    await reconcile.execute();
    for (const job of world.queue.jobs.splice(0)) await migratingIndexer.execute(job);

    // Assert: the lost document is in the new collection too (or at least not shown ready).
    expect(lost).toBeDefined();
    const record = await world.documents.get('acme', lost!.documentId);
    const inNewCollection = (await next.count('acme', lost!.documentId)) > 0;
    expect(ids).toContain(lost!.documentId);
    expect({ status: record?.status, inNewCollection }).not.toMatchObject({
      status: 'ready',
      inNewCollection: false,
    });
  });
});
