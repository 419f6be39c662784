import { describe, expect, it } from 'vitest';
import { uploadKey } from '../../../../lambdas/core/ingestion/object-keys.js';
import {
  ReconcileDocuments,
  UPLOAD_EXPIRED_REASON,
} from '../../../../lambdas/core/ingestion/reconcile-documents.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';

const MINUTE = 60_000;

const setup = (options: { maxRequeues?: number; batchSize?: number } = {}) => {
  const fixture = ingestionFixture();
  const reconcile = new ReconcileDocuments({
    documents: fixture.documents,
    queue: fixture.queue,
    deleteDocument: fixture.deleteDocument,
    acceptUpload: fixture.acceptUpload,
    clock: fixture.clock,
    staleAfterMs: 15 * MINUTE,
    maxReceiveCount: 5,
    ...options,
  });
  return { ...fixture, reconcile };
};

describe('ReconcileDocuments', () => {
  it('re-queues a version left queued without a job, once it is stale', async () => {
    const { uploadText, queue, clock, reconcile, documents } = setup();
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    queue.jobs.length = 0; // the job was lost (a crash before it was sent, an expired message)
    clock.advance(16 * MINUTE);

    const report = await reconcile.execute();

    expect(report).toMatchObject({ requeued: 1, failed: 0 });
    expect(queue.jobs).toEqual([{ tenantId: 'acme', documentId: id, version: 1 }]);
    expect(await documents.get('acme', id)).toMatchObject({ status: 'queued', requeues: 1 });
  });

  it('stops before its next record once its signal aborts, and reports what it did', async () => {
    const fixture = setup();
    await fixture.uploadText('Guide', sectionedMarkdown(2));
    await fixture.uploadText('Manual', sectionedMarkdown(2));
    fixture.queue.jobs.length = 0;
    fixture.clock.advance(16 * MINUTE);
    const stopping = new AbortController();
    const reconcile = new ReconcileDocuments({
      documents: fixture.documents,
      queue: {
        enqueue: async (job) => {
          await fixture.queue.enqueue(job);
          stopping.abort();
        },
      },
      deleteDocument: fixture.deleteDocument,
      acceptUpload: fixture.acceptUpload,
      clock: fixture.clock,
      staleAfterMs: 15 * MINUTE,
      maxReceiveCount: 5,
    });

    const report = await reconcile.execute({ signal: stopping.signal });

    expect(report.requeued).toBe(1);
    expect(fixture.queue.jobs).toHaveLength(1);
  });

  it('leaves pending work alone until it is stale', async () => {
    const { uploadText, queue, clock, reconcile } = setup();
    await uploadText('Guide', sectionedMarkdown(2));
    queue.jobs.length = 0;
    clock.advance(14 * MINUTE);

    const report = await reconcile.execute();

    expect(report.requeued).toBe(0);
    expect(queue.jobs).toEqual([]);
  });

  it('lets a re-queued version be indexed to ready', async () => {
    const { uploadText, queue, clock, reconcile, indexDocument, documents } = setup();
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    queue.jobs.length = 0;
    clock.advance(16 * MINUTE);
    await reconcile.execute();

    await indexDocument.execute(queue.jobs[0]!);

    expect(await documents.get('acme', id)).toMatchObject({ status: 'ready', chunkCount: 2 });
  });

  it('marks failed a version whose indexer died on its last receive', async () => {
    const { uploadText, queue, clock, reconcile, documents } = setup();
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    await documents.transition('acme', id, 1, {
      status: 'indexing',
      attempts: 5,
      at: clock.now().toISOString(),
    });
    queue.jobs.length = 0;
    clock.advance(16 * MINUTE);

    const report = await reconcile.execute();

    expect(report).toMatchObject({ failed: 1, requeued: 0 });
    expect(queue.jobs).toEqual([]);
    const record = await documents.get('acme', id);
    expect(record?.status).toBe('failed');
    expect(record?.error).toMatch(/did not finish \(5 attempts, 0 re-queues\)/);
  });

  it('marks failed a version re-queued as often as allowed', async () => {
    const { uploadText, queue, clock, reconcile, documents } = setup({ maxRequeues: 2 });
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    for (let run = 0; run < 3; run += 1) {
      clock.advance(16 * MINUTE);
      await reconcile.execute();
    }

    expect(queue.jobs).toHaveLength(3); // the upload's job and two re-queues
    expect(await documents.get('acme', id)).toMatchObject({ status: 'failed', requeues: 2 });
  });

  it('finishes a deletion left halfway', async () => {
    const { uploadText, queue, clock, reconcile, indexDocument, documents, vectors, blobs } =
      setup();
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    await indexDocument.execute(queue.jobs[0]!);
    await documents.markDeleting('acme', id, clock.now().toISOString()); // then the deleter died
    clock.advance(16 * MINUTE);

    const report = await reconcile.execute();

    expect(report.deleted).toBe(1);
    expect(await documents.get('acme', id)).toBeUndefined();
    expect(await vectors.count('acme', id)).toBe(0);
    expect(blobs.keys()).toEqual([]);
  });

  it('skips a document that moved on while the run looked at it', async () => {
    const { uploadText, queue, clock, documents, deleteDocument, acceptUpload } = setup();
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    queue.jobs.length = 0;
    clock.advance(16 * MINUTE);
    // An indexer starts the version between the run's read and its write.
    const racing = new ReconcileDocuments({
      documents: {
        ...documents,
        transition: documents.transition.bind(documents),
        listStale: async (before, limit) => {
          const stale = await documents.listStale(before, limit);
          await documents.transition('acme', id, 1, {
            status: 'indexing',
            attempts: 1,
            at: clock.now().toISOString(),
          });
          return stale;
        },
      } as typeof documents,
      queue,
      deleteDocument,
      acceptUpload,
      clock,
      staleAfterMs: 15 * MINUTE,
      maxReceiveCount: 5,
    });

    const report = await racing.execute();

    expect(report).toMatchObject({ skipped: 1, requeued: 0 });
    expect(queue.jobs).toEqual([]);
  });

  it('goes on through several rounds when a round comes back full', async () => {
    const { uploadText, queue, clock, reconcile } = setup({ batchSize: 2 });
    for (let n = 0; n < 5; n += 1) await uploadText(`Doc ${n}`, sectionedMarkdown(1));
    queue.jobs.length = 0;
    clock.advance(16 * MINUTE);

    const report = await reconcile.execute();

    expect(report.requeued).toBe(5);
    expect(queue.jobs).toHaveLength(5);
  });

  describe('a version awaiting its presigned upload', () => {
    const awaiting = async () => {
      const fixture = setup();
      const { id } = await fixture.requestUpload.execute({
        tenantId: 'acme',
        title: 'handbook.md',
        contentType: 'text/markdown',
        contentLength: 100,
      });
      return { ...fixture, id };
    };

    it('is left alone while its upload window is open', async () => {
      const { reconcile, clock, documents, queue, id } = await awaiting();
      clock.advance(19 * MINUTE);

      const report = await reconcile.execute();

      expect(report).toMatchObject({ skipped: 1, failed: 0, requeued: 0 });
      expect((await documents.get('acme', id))?.status).toBe('awaiting-upload');
      expect(queue.jobs).toEqual([]);
    });

    it('is marked failed once the window has passed, saying to ask for a new URL', async () => {
      const { reconcile, clock, documents, queue, id } = await awaiting();
      clock.advance(21 * MINUTE);

      const report = await reconcile.execute();

      expect(report).toMatchObject({ failed: 1, requeued: 0 });
      expect(await documents.get('acme', id)).toMatchObject({
        status: 'failed',
        error: UPLOAD_EXPIRED_REASON,
      });
      expect(queue.jobs).toEqual([]);
    });

    it('queues the version instead of failing it when its object arrived but the event was lost', async () => {
      // Arrange: the client PUT the file, then the stack stopped before S3's event was handled
      const { reconcile, clock, documents, blobs, queue, id } = await awaiting();
      await blobs.put(uploadKey('acme', id, 1), Buffer.from('a'.repeat(100)), 'text/markdown');
      clock.advance(21 * MINUTE);

      // Act
      const report = await reconcile.execute();

      // Assert: it goes on as the event would have: queued, and its index job sent
      expect(report).toMatchObject({ requeued: 1, failed: 0 });
      expect(await documents.get('acme', id)).toMatchObject({ status: 'queued', version: 1 });
      expect(queue.jobs).toEqual([{ tenantId: 'acme', documentId: id, version: 1 }]);
    });
  });
});
