import { describe, expect, it } from 'vitest';
import { AcceptUpload } from '../../../../lambdas/core/ingestion/accept-upload.js';
import { DeleteDocument } from '../../../../lambdas/core/ingestion/delete-document.js';
import { uploadKey } from '../../../../lambdas/core/ingestion/object-keys.js';
import { ReconcileDocuments } from '../../../../lambdas/core/ingestion/reconcile-documents.js';
import { afterFirstCall } from '../../../support/after-first-call.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';

const MINUTE = 60_000;
const TEXT = sectionedMarkdown(2, 'handbook');

describe('AcceptUpload run by the reconciler while the object event is handled', () => {
  it('leaves the version the event indexed meanwhile ready, and sends no second job', async () => {
    // Arrange: a presigned upload whose PUT came late in its window; the record has not changed
    // for 15 minutes, so the reconciler lists it as a lost event.
    const fixture = ingestionFixture();
    const requested = await fixture.requestUpload.execute({
      tenantId: 'acme',
      title: 'handbook.md',
      contentType: 'text/markdown',
      contentLength: Buffer.byteLength(TEXT),
    });
    const key = uploadKey('acme', requested.id, requested.version);
    fixture.clock.advance(16 * MINUTE);
    await fixture.blobs.put(key, Buffer.from(TEXT), 'text/markdown');

    // The object's real event is handled (and its job indexed) while the reconciler's
    // AcceptUpload is between its read of the record and its write.
    const meanwhile = async () => {
      await fixture.objectEvents.execute({
        change: 'created',
        key,
        sizeBytes: Buffer.byteLength(TEXT),
      });
      await fixture.indexDocument.execute(fixture.queue.jobs[0]!);
    };
    const documents = afterFirstCall(fixture.documents, 'get', meanwhile);
    const { blobs, queue, vectors, clock } = fixture;
    const reconcile = new ReconcileDocuments({
      documents,
      queue,
      deleteDocument: new DeleteDocument({ documents, blobs, vectors, clock }),
      acceptUpload: new AcceptUpload({ documents, blobs, queue, clock, maxBytes: 1_000_000 }),
      clock,
      staleAfterMs: 15 * MINUTE,
      maxReceiveCount: 5,
      uploadWindowMs: 20 * MINUTE,
    });

    // Act
    const report = await reconcile.execute();

    // Assert: the event's work stands (an unconditional transition moved the ready version
    // back to queued, its chunk count cleared, and sent a second job that embedded the whole
    // document again).
    const record = await fixture.documents.get('acme', requested.id);
    expect({ status: record?.status, chunkCount: record?.chunkCount }).toEqual({
      status: 'ready',
      chunkCount: 2,
    });
    expect(fixture.queue.jobs).toHaveLength(1);
    expect(report.requeued).toBe(0);
  });
});
