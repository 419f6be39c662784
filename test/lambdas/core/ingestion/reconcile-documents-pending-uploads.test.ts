import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDocumentStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-document-store.js';
import { AcceptUpload } from '../../../../lambdas/core/ingestion/accept-upload.js';
import { DeleteDocument } from '../../../../lambdas/core/ingestion/delete-document.js';
import { ReconcileDocuments } from '../../../../lambdas/core/ingestion/reconcile-documents.js';
import { RequestUpload } from '../../../../lambdas/core/ingestion/request-upload.js';
import { UploadDocument } from '../../../../lambdas/core/ingestion/upload-document.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';
import { FakeBlobStore } from '../../../support/fakes/fake-blob-store.js';
import { FakeJobQueue } from '../../../support/fakes/fake-job-queue.js';
import { FakeUploadUrlSigner } from '../../../support/fakes/fake-upload-url-signer.js';
import { FakeVectorStore } from '../../../support/fakes/fake-vector-store.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';
import { testReaders } from '../../../support/readers.js';

const MINUTE = 60_000;

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite('rag-test-reconciler');
});
afterAll(() => db.close());

describe('ReconcileDocuments across tenants (DynamoDbDocumentStore on dynalite)', () => {
  it("re-queues tenant A's lost job although tenant B has 100 presigned uploads still in their window", async () => {
    const clock = new ManualClock();
    const documents = new DynamoDbDocumentStore(db.documentClient, db.tableName);
    const blobs = new FakeBlobStore();
    const queue = new FakeJobQueue();
    // The production settings: URL expiry 900 s, so uploads may wait 20 minutes; stale after 15.
    const requestUpload = new RequestUpload({
      documents,
      signer: new FakeUploadUrlSigner(),
      clock,
      maxBytes: 10_000_000,
      expiresInSeconds: 900,
    });
    const upload = new UploadDocument({
      documents,
      blobs,
      queue,
      clock,
      maxBytes: 100_000,
      readers: testReaders,
    });
    const reconcile = new ReconcileDocuments({
      documents,
      queue,
      deleteDocument: new DeleteDocument({
        documents,
        blobs,
        vectors: new FakeVectorStore(),
        clock,
      }),
      acceptUpload: new AcceptUpload({ documents, blobs, queue, clock, maxBytes: 10_000_000 }),
      clock,
      staleAfterMs: 15 * MINUTE,
      maxReceiveCount: 5,
      uploadWindowMs: 20 * MINUTE,
    });

    // Tenant B asks for 100 upload URLs (its normal rate limit allows 120 a minute) and has
    // not sent the files yet: each version is `awaiting-upload`, legitimately, for 20 minutes.
    for (let index = 0; index < 100; index += 1) {
      await requestUpload.execute({
        tenantId: 'tenant-b',
        title: `big-file-${index}.pdf`,
        contentType: 'application/pdf',
        contentLength: 5_000_000,
      });
    }
    // A minute later tenant A uploads a document whose job is lost (a crash before the send,
    // an expired message): exactly what the reconciler is there to repair.
    clock.advance(MINUTE);
    const { id } = await upload.execute({
      tenantId: 'tenant-a',
      title: 'Guide',
      content: Buffer.from('# Guide\n\nA guide of tenant A.'),
      contentType: 'text/markdown',
    });
    queue.jobs.length = 0;

    // 17 minutes after B's requests: A's version has been stale for 1 minute, B's uploads are
    // still within their 20-minute window.
    clock.advance(16 * MINUTE);
    const report = await reconcile.execute();

    expect(queue.jobs).toEqual([{ tenantId: 'tenant-a', documentId: id, version: 1 }]);
    expect(report.requeued).toBe(1);
    expect(await documents.get('tenant-a', id)).toMatchObject({ status: 'queued', requeues: 1 });
  });
});
