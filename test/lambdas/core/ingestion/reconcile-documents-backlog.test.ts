import { describe, expect, it } from 'vitest';
import { ReconcileDocuments } from '../../../../lambdas/core/ingestion/reconcile-documents.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';

const MINUTE = 60_000;

describe('a version whose job waits in a queue backlog longer than the reconciler’s patience', () => {
  it('is indexed to ready when its job finally arrives (README: “shows failed until its job arrives”)', async () => {
    const world = ingestionFixture();
    const reconcile = new ReconcileDocuments({
      documents: world.documents,
      queue: world.queue,
      deleteDocument: world.deleteDocument,
      acceptUpload: world.acceptUpload,
      clock: world.clock,
      staleAfterMs: 15 * MINUTE,
      maxReceiveCount: 5,
    });
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
