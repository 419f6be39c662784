import { describe, expect, it } from 'vitest';
import { issueApiKey } from '../../../../lambdas/core/auth/issue-api-key.js';
import { UPLOAD_EXPIRED_REASON } from '../../../../lambdas/core/ingestion/reconcile-documents.js';
import { ReindexDocuments } from '../../../../lambdas/core/ingestion/reindex-documents.js';
import { InMemoryApiKeyStore } from '../../../support/fakes/in-memory-api-key-store.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';
import { reconcilerOver } from '../../../support/reconciler-fixture.js';

const setup = async () => {
  const world = ingestionFixture();
  const apiKeys = new InMemoryApiKeyStore();
  await issueApiKey(apiKeys, world.clock, 'acme');
  const reindex = new ReindexDocuments({
    documents: world.documents,
    apiKeys,
    blobs: world.blobs,
    queue: world.queue,
    clock: world.clock,
  });
  return { world, reindex };
};

describe('ReindexDocuments', () => {
  it("queues the current version of every tenant's documents", async () => {
    const { world, reindex } = await setup();
    const { id } = await world.uploadText('Guide', sectionedMarkdown(2));
    await world.indexDocument.execute(world.queue.jobs[0]!);

    const { jobs } = await reindex.execute();

    expect(jobs).toEqual([{ tenantId: 'acme', documentId: id, version: 1 }]);
  });

  it('leaves alone a presigned upload still waiting for its file', async () => {
    const { world, reindex } = await setup();
    await world.requestUpload.execute({
      tenantId: 'acme',
      title: 'handbook.md',
      contentType: 'text/markdown',
      contentLength: 37,
    });

    const { jobs } = await reindex.execute();

    expect(jobs).toEqual([]);
  });

  it('shows a re-queued document queued until the indexer has written it again', async () => {
    const { world, reindex } = await setup();
    const { id } = await world.uploadText('Guide', sectionedMarkdown(2));
    await world.indexDocument.execute(world.queue.jobs.shift()!);

    await reindex.execute();

    expect(await world.documents.get('acme', id)).toMatchObject({ status: 'queued' });
    await world.indexDocument.execute(world.queue.jobs.shift()!);
    expect(await world.documents.get('acme', id)).toMatchObject({ status: 'ready' });
  });

  it('leaves failed, with its reason, a presigned upload whose file never arrived', async () => {
    const { world, reindex } = await setup();
    const { id } = await world.requestUpload.execute({
      tenantId: 'acme',
      title: 'handbook.md',
      contentType: 'text/markdown',
      contentLength: 100,
    });
    const reconcile = reconcilerOver(world);
    world.clock.advance(21 * 60_000);
    await reconcile.execute();

    const { jobs } = await reindex.execute();

    expect(jobs).toEqual([]);
    expect(await world.documents.get('acme', id)).toMatchObject({
      status: 'failed',
      error: UPLOAD_EXPIRED_REASON,
    });
  });
});
