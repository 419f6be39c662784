import { describe, expect, it } from 'vitest';
import { DependencyError } from '../../../lambdas/core/dependency-error.js';
import { IndexBatch } from '../../../lambdas/core/ingestion/index-batch.js';
import { uploadKey } from '../../../lambdas/core/ingestion/object-keys.js';
import { createHandler } from '../../../lambdas/handlers/index-documents.js';
import { silentLogger } from '../../support/http-deps.js';
import { ingestionFixture, sectionedMarkdown } from '../../support/ingestion-fixture.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { sqsEvent, sqsRecord } from '../../support/sqs-events.js';

const setup = () => {
  const fixture = ingestionFixture();
  const handler = createHandler({
    logger: silentLogger(),
    indexBatch: new IndexBatch({
      indexDocument: fixture.indexDocument,
      embedder: fixture.embedder,
    }),
    indexDocument: fixture.indexDocument,
    objectEvents: fixture.objectEvents,
    maxReceiveCount: 5,
  });
  const invoke = (...records: ReturnType<typeof sqsRecord>[]) =>
    handler(sqsEvent(...records), lambdaContext());
  return { ...fixture, invoke };
};

const rateLimited = () => new DependencyError('openai', 'unavailable', 'rate limited (429)');

describe('the indexer and a job for a version that needs none', () => {
  it('leaves the ready version ready when that duplicate fails for good', async () => {
    // Arrange: the version is indexed and ready from its first message; a second message for
    // the same version (an SQS duplicate, a repeated S3 event while it was queued, a reconciler
    // or repair re-queue) then meets an embedding outage on every receive.
    const { uploadText, queue, invoke, embedder, documents, vectors } = setup();
    const { id } = await uploadText('Guide', sectionedMarkdown(3));
    const body = JSON.stringify(queue.jobs[0]);
    expect(await invoke(sqsRecord(body, { messageId: 'first' }))).toEqual({
      batchItemFailures: [],
    });
    expect(await documents.get('acme', id)).toMatchObject({ status: 'ready', chunkCount: 3 });

    // Act
    for (let receive = 1; receive <= 5; receive += 1) {
      embedder.failures.push(rateLimited());
      await invoke(sqsRecord(body, { receiveCount: receive, messageId: 'duplicate' }));
    }

    // Assert: every chunk is still stored, so the document should still say so.
    expect(await vectors.count('acme', id)).toBe(3);
    expect(await documents.get('acme', id)).toMatchObject({ status: 'ready', chunkCount: 3 });
  });

  it('leaves a version awaiting its presigned upload as it is, and queues it when it arrives', async () => {
    // Arrange: version 1 is being indexed when its owner asks for a presigned upload of version
    // 2, which still waits for its file when version 1's run finds itself superseded.
    const fixture = setup();
    const { queue, invoke, indexDocument, embedder, documents, blobs, objectEvents } = fixture;
    const { id } = await fixture.uploadText('handbook.md', sectionedMarkdown(3, 'first'));
    const prepared = await indexDocument.prepare(queue.jobs[0]!, { attempt: 1 });
    if (prepared.kind !== 'prepared') throw new Error(`not prepared: ${prepared.kind}`);
    const text = sectionedMarkdown(2, 'corrected');
    const requested = await fixture.requestUpload.execute({
      tenantId: 'acme',
      title: 'handbook.md',
      contentType: 'text/markdown',
      contentLength: Buffer.byteLength(text),
    });
    const { vectors } = await embedder.embed(prepared.value.chunks.map((chunk) => chunk.text));

    // Act: the superseded run ends, a job for version 2 comes anyway, then its file arrives.
    await indexDocument.finish(prepared.value, vectors, 1);
    const queuedByTheRun = queue.jobs.slice(1);
    await invoke(sqsRecord(JSON.stringify({ tenantId: 'acme', documentId: id, version: 2 })));
    const awaiting = await documents.get('acme', id);
    const key = uploadKey('acme', id, requested.version);
    await blobs.put(key, Buffer.from(text), 'text/markdown');
    const arrival = await objectEvents.execute({
      change: 'created',
      key,
      sizeBytes: Buffer.byteLength(text),
    });

    // Assert
    expect(queuedByTheRun).toEqual([]);
    expect(awaiting).toMatchObject({ version: 2, status: 'awaiting-upload' });
    expect(arrival).toEqual({ kind: 'queued', documentId: id, version: 2 });
  });
});
