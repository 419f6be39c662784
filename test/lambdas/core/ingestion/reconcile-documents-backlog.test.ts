import { describe, expect, it } from 'vitest';
import { issueApiKey } from '../../../../lambdas/core/auth/issue-api-key.js';
import { ReindexDocuments } from '../../../../lambdas/core/ingestion/reindex-documents.js';
import { InMemoryApiKeyStore } from '../../../support/fakes/in-memory-api-key-store.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';
import { reconcilerOver } from '../../../support/reconciler-fixture.js';

const MINUTE = 60_000;

describe('a version whose job waits in a queue backlog longer than the reconciler’s patience', () => {
  it('shows failed until its job finally arrives, then is indexed to ready', async () => {
    const world = ingestionFixture();
    const reconcile = reconcilerOver(world);
    const { id } = await world.uploadText('Guide', sectionedMarkdown(2));
    const original = world.queue.jobs[0]!;

    // The indexer is behind (a bulk re-index, an embedding rate limit, a throttled function):
    // the job is in the queue, untouched, for three reconciler periods.
    for (let run = 0; run < 3; run += 1) {
      world.clock.advance(16 * MINUTE);
      await reconcile.execute();
    }
    expect((await world.documents.get('acme', id))?.status).toBe('failed');

    // The backlog drains: the original job (and the re-sent ones) reach the indexer.
    for (const job of [original, ...world.queue.jobs.slice(1)]) {
      await world.indexDocument.execute(job);
    }

    expect(await world.documents.get('acme', id)).toMatchObject({ status: 'ready', chunkCount: 2 });
  });
});

describe('a version a re-index queued, its job still in the backlog past the reconciler’s patience', () => {
  it('is not queued again, so it is embedded once', async () => {
    const world = ingestionFixture();
    const apiKeys = new InMemoryApiKeyStore();
    await issueApiKey(apiKeys, world.clock, 'acme');
    const reconcile = reconcilerOver(world);
    const { id } = await world.uploadText('Guide', sectionedMarkdown(2));
    await world.indexDocument.execute(world.queue.jobs.shift()!);
    await new ReindexDocuments({
      documents: world.documents,
      apiKeys,
      blobs: world.blobs,
      queue: world.queue,
      clock: world.clock,
    }).execute();
    world.clock.advance(16 * MINUTE);

    const report = await reconcile.execute();

    expect(report.requeued).toBe(0);
    expect(world.queue.jobs).toEqual([{ tenantId: 'acme', documentId: id, version: 1 }]);
  });

  it('is queued again once the queue would have dropped its job, when that job was lost', async () => {
    const world = ingestionFixture();
    const apiKeys = new InMemoryApiKeyStore();
    await issueApiKey(apiKeys, world.clock, 'acme');
    const reconcile = reconcilerOver(world, { bulkPatienceMs: 60 * MINUTE });
    const { id } = await world.uploadText('Guide', sectionedMarkdown(2));
    await world.indexDocument.execute(world.queue.jobs.shift()!);
    await new ReindexDocuments({
      documents: world.documents,
      apiKeys,
      blobs: world.blobs,
      queue: world.queue,
      clock: world.clock,
    }).execute();
    world.queue.jobs.length = 0;
    world.clock.advance(61 * MINUTE);

    const report = await reconcile.execute();

    expect(report.requeued).toBe(1);
    expect(await world.documents.get('acme', id)).toMatchObject({ status: 'queued', requeues: 1 });
    expect((await world.documents.get('acme', id))?.queuedInBulk).toBeUndefined();
  });
});
