import { describe, expect, it } from 'vitest';
import { s3EventNotification } from '../../../dev/s3-event-notification.js';
import { InProcessQueue } from '../../../lambdas/adapters/local/in-process-queue.js';
import { DependencyError } from '../../../lambdas/core/dependency-error.js';
import { MAX_CHUNKS_PER_DOCUMENT } from '../../../lambdas/core/ingestion/chunk-text.js';
import { IndexBatch } from '../../../lambdas/core/ingestion/index-batch.js';
import { inboxKey } from '../../../lambdas/core/ingestion/object-keys.js';
import { createHandler } from '../../../lambdas/handlers/index-documents.js';
import { silentLogger } from '../../support/http-deps.js';
import { ingestionFixture, sectionedMarkdown } from '../../support/ingestion-fixture.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { sqsEvent, sqsRecord } from '../../support/sqs-events.js';

const setup = (options: Parameters<typeof ingestionFixture>[0] = {}) => {
  const fixture = ingestionFixture(options);
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
  /** Invokes with `msLeft` of work before the deadline (the margin is the default 5 s). */
  const invokeWithin = (msLeft: number, ...records: ReturnType<typeof sqsRecord>[]) =>
    handler(sqsEvent(...records), lambdaContext({ timeoutMs: 5_000 + msLeft }));
  return { ...fixture, handler, invoke, invokeWithin };
};

const rateLimited = () => new DependencyError('openai', 'unavailable', 'rate limited (429)');

describe('index-documents function', () => {
  it('indexes a batch of 10 with one poison record: 9 succeed, exactly one failure is reported', async () => {
    const { uploadText, queue, invoke, documents, embedder } = setup();
    for (let i = 0; i < 9; i += 1) await uploadText(`Doc ${i}`, sectionedMarkdown(2, `doc${i}`));
    const records = queue.jobs.map((job) => sqsRecord(JSON.stringify(job)));
    const poison = sqsRecord('{"tenantId":"acme","documentId":"not-a-uuid"}');
    records.splice(4, 0, poison);

    const response = await invoke(...records);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: poison.messageId }] });
    const { items } = await documents.list('acme', { limit: 20 });
    expect(items.map((record) => record.status)).toEqual(Array(9).fill('ready'));
    expect(embedder.calls).toHaveLength(1);
    expect(embedder.calls[0]).toHaveLength(18);
  });

  it('splits the shared embedding requests by the provider limits', async () => {
    const { uploadText, queue, invoke, embedder, documents } = setup({
      limits: { maxInputsPerRequest: 4 },
    });
    for (let i = 0; i < 5; i += 1) await uploadText(`Doc ${i}`, sectionedMarkdown(2, `doc${i}`));

    const response = await invoke(...queue.jobs.map((job) => sqsRecord(JSON.stringify(job))));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(embedder.calls.map((texts) => texts.length)).toEqual([4, 4, 2]);
    const { items } = await documents.list('acme', { limit: 20 });
    expect(items.every((record) => record.status === 'ready' && record.chunkCount === 2)).toBe(
      true,
    );
  });

  it('fails only the record whose chunks the provider refuses in a shared request', async () => {
    const { uploadText, queue, invoke, embedder, documents } = setup();
    for (let i = 0; i < 3; i += 1) await uploadText(`Doc ${i}`, sectionedMarkdown(1, `doc${i}`));
    embedder.onCall = (texts) => {
      if (texts.some((text) => text.includes('doc1'))) throw new Error('input refused');
    };
    const records = queue.jobs.map((job) => sqsRecord(JSON.stringify(job)));

    const response = await invoke(...records);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]!.messageId }] });
    const statuses = await Promise.all(
      queue.jobs.map(async (job) => (await documents.get('acme', job.documentId))?.status),
    );
    expect(statuses).toEqual(['ready', 'indexing', 'ready']);
  });

  it('fails a record whose body is not JSON on its own', async () => {
    const { invoke } = setup();
    const bad = sqsRecord('not json');

    expect(await invoke(bad)).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
  });

  it('fails a job whose tenant is not a tenant name, touching no other tenant', async () => {
    const { uploadText, queue, invoke, documents } = setup();
    await uploadText('Guide', sectionedMarkdown(2, 'guide'));
    const forged = sqsRecord(JSON.stringify({ ...queue.jobs[0]!, tenantId: 'acme#DOC#x' }));

    expect(await invoke(forged)).toEqual({
      batchItemFailures: [{ itemIdentifier: forged.messageId }],
    });
    const { items } = await documents.list('acme', { limit: 5 });
    expect(items.map((record) => record.status)).toEqual(['queued']);
  });

  it('reports a transient failure so the queue retries, leaving the document not failed', async () => {
    const { uploadText, queue, invoke, embedder, documents } = setup();
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    embedder.failures.push(rateLimited());
    const record = sqsRecord(JSON.stringify(queue.jobs[0]), { receiveCount: 1 });

    const response = await invoke(record);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect((await documents.get('acme', id))?.status).toBe('indexing');
  });

  it('marks the document failed with a reason on the fifth receive, then reports the failure', async () => {
    const { uploadText, queue, invoke, embedder, documents } = setup();
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    const body = JSON.stringify(queue.jobs[0]);
    const responses = [];

    for (let receive = 1; receive <= 5; receive += 1) {
      embedder.failures.push(rateLimited());
      responses.push(await invoke(sqsRecord(body, { receiveCount: receive, messageId: 'm-1' })));
      if (receive < 5) expect((await documents.get('acme', id))?.status).toBe('indexing');
    }

    expect(responses.every((r) => r.batchItemFailures[0]?.itemIdentifier === 'm-1')).toBe(true);
    expect(await documents.get('acme', id)).toMatchObject({
      status: 'failed',
      attempts: 5,
      error: 'Indexing failed after 5 attempts: openai: rate limited (429)',
    });
  });

  it('fails at once, not retried, a document that makes more chunks than a document may', async () => {
    const { uploadText, queue, invoke, documents, embedder } = setup({ maxUploadBytes: 2_000_000 });
    const { id } = await uploadText('Huge', sectionedMarkdown(MAX_CHUNKS_PER_DOCUMENT + 1));
    const record = sqsRecord(JSON.stringify(queue.jobs[0]), { receiveCount: 1 });

    const response = await invoke(record);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await documents.get('acme', id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: `The document makes more than ${MAX_CHUNKS_PER_DOCUMENT} chunks; split it into smaller documents`,
    });
    expect(embedder.calls).toEqual([]);
  });

  it('fails at once, not retried, a document whose text needs more than its CPU budget', async () => {
    const { uploadText, queue, invoke, documents } = setup({
      maxUploadBytes: 2_000_000,
      textCpuBudgetMs: 1,
    });
    const { id } = await uploadText('Long', sectionedMarkdown(5_000));
    const record = sqsRecord(JSON.stringify(queue.jobs[0]), { receiveCount: 1 });

    const response = await invoke(record);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await documents.get('acme', id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: expect.stringMatching(/more than 0.001 s of CPU time; split the document/),
    });
  });

  it('reports a document whose text processing the deadline cut short, so the queue retries it', async () => {
    const { uploadText, queue, invokeWithin, documents } = setup({ maxUploadBytes: 2_000_000 });
    const { id } = await uploadText('Long', sectionedMarkdown(5_000));
    const record = sqsRecord(JSON.stringify(queue.jobs[0]), { receiveCount: 1 });

    const response = await invokeWithin(1, record);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect((await documents.get('acme', id))?.status).toBe('indexing');
  });

  it('treats a job for a superseded version as done', async () => {
    const { uploadText, queue, invoke, embedder } = setup();
    await uploadText('Guide', sectionedMarkdown(2));
    await uploadText('Guide', sectionedMarkdown(3));

    const response = await invoke(sqsRecord(JSON.stringify(queue.jobs[0])));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(embedder.calls).toEqual([]);
  });

  it('runs behind the in-process queue: retries, then the dead-letter list and a failed document', async () => {
    const { uploadText, handler, embedder, documents } = setup();
    const local = new InProcessQueue({ handler, retryDelayMs: () => 1, batchWindowMs: 1 });
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    const { id: healthy } = await uploadText('Other', sectionedMarkdown(2, 'other'));
    embedder.onCall = (texts) => {
      if (texts.some((text) => text.includes('topic'))) throw rateLimited();
    };

    await local.enqueue({ tenantId: 'acme', documentId: id, version: 1 });
    await local.enqueue({ tenantId: 'acme', documentId: healthy, version: 1 });
    await local.drain();
    await local.close();

    expect(local.deadLetters).toHaveLength(1);
    expect(JSON.parse(local.deadLetters[0]!.body)).toMatchObject({ documentId: id });
    expect(await documents.get('acme', id)).toMatchObject({ status: 'failed', attempts: 5 });
    expect(await documents.get('acme', healthy)).toMatchObject({ status: 'ready' });
  });

  describe('S3 event notifications on the same queue', () => {
    it('takes a drop-folder file beside index jobs: the file is queued, the jobs indexed', async () => {
      const { uploadText, queue, invoke, blobs, documents } = setup();
      await uploadText('Guide', sectionedMarkdown(2));
      const job = sqsRecord(JSON.stringify(queue.jobs[0]));
      const text = sectionedMarkdown(1, 'dropped');
      await blobs.put(inboxKey('acme', 'team notes/a.md'), Buffer.from(text), 'text/markdown');
      const notification = sqsRecord(
        s3EventNotification(
          'ObjectCreated:Put',
          'raw',
          inboxKey('acme', 'team notes/a.md'),
          Buffer.byteLength(text),
        ),
      );

      const response = await invoke(job, notification);

      expect(response).toEqual({ batchItemFailures: [] });
      expect(await documents.findByTitle('acme', 'Guide')).toMatchObject({ status: 'ready' });
      expect(await documents.findByTitle('acme', 'team notes/a.md')).toMatchObject({
        status: 'queued',
      });
      expect(queue.jobs).toHaveLength(2);
    });

    it("acknowledges S3's test event and changes nothing", async () => {
      const { invoke, queue } = setup();
      const test = sqsRecord(
        JSON.stringify({
          Service: 'Amazon S3',
          Event: 's3:TestEvent',
          Time: '2026-01-01T00:00:00.000Z',
          Bucket: 'raw',
          RequestId: 'r',
          HostId: 'h',
        }),
      );

      const response = await invoke(test);

      expect(response).toEqual({ batchItemFailures: [] });
      expect(queue.jobs).toEqual([]);
    });

    it('fails alone a record that looks like a notification but is not one', async () => {
      const { invoke } = setup();
      const bad = sqsRecord(JSON.stringify({ Records: [{ eventSource: 'aws:sns' }] }));

      const response = await invoke(bad);

      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    });

    it('reports a notification whose handling failed, so the queue retries it', async () => {
      const { invoke, blobs } = setup();
      const key = inboxKey('acme', 'a.md');
      blobs.get = async () => {
        throw new Error('S3 unavailable');
      };
      const notification = sqsRecord(s3EventNotification('ObjectCreated:Put', 'raw', key, 10));

      const response = await invoke(notification);

      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: notification.messageId }],
      });
    });
  });
});
