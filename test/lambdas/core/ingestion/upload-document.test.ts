import { describe, expect, it } from 'vitest';
import { DependencyError } from '../../../../lambdas/core/dependency-error.js';
import { CHECK_PREFIX_BYTES } from '../../../../lambdas/core/ingestion/extract-text.js';
import { NOT_QUEUED_REASON } from '../../../../lambdas/core/ingestion/upload-document.js';
import { HttpProblem } from '../../../../lambdas/core/problem.js';
import { ingestionFixture } from '../../../support/ingestion-fixture.js';

describe('UploadDocument', () => {
  it('stores the raw text, records the document queued and sends the claim check', async () => {
    const { uploadText, blobs, documents, queue } = ingestionFixture();

    const accepted = await uploadText('Guide', '# Guide\n\nHello.');

    expect(accepted).toEqual({ id: expect.any(String), status: 'queued', version: 1 });
    const key = `tenants/acme/documents/${accepted.id}/v1`;
    expect(blobs.objects.get(key)).toEqual({
      body: Buffer.from('# Guide\n\nHello.'),
      contentType: 'text/markdown',
    });
    expect(await documents.get('acme', accepted.id)).toMatchObject({
      title: 'Guide',
      status: 'queued',
      version: 1,
      blobKey: key,
      sizeBytes: 15,
      contentType: 'text/markdown',
    });
    expect(queue.jobs).toEqual([{ tenantId: 'acme', documentId: accepted.id, version: 1 }]);
  });

  it('makes a new version of the same document when the title is uploaded again', async () => {
    const { uploadText, blobs } = ingestionFixture();
    const first = await uploadText('Guide', 'one');

    const second = await uploadText('  Guide ', 'two');

    expect(second).toEqual({ id: first.id, status: 'queued', version: 2 });
    expect(blobs.keys(`tenants/acme/documents/${first.id}/`)).toEqual([
      `tenants/acme/documents/${first.id}/v1`,
      `tenants/acme/documents/${first.id}/v2`,
    ]);
  });

  it('stores no version and queues nothing when the bytes equal the current version', async () => {
    const { uploadText, blobs, queue, indexDocument } = ingestionFixture();
    const first = await uploadText('Guide', '# Guide\n\nHello.');
    await indexDocument.execute(queue.jobs[0]!);

    const again = await uploadText('Guide', '# Guide\n\nHello.');

    expect(again).toEqual({ id: first.id, status: 'ready', version: 1, unchanged: true });
    expect(blobs.keys()).toHaveLength(1);
    expect(queue.jobs).toHaveLength(1);
  });

  it.each([
    ['with a byte order mark, then without', '\ufeff', ''],
    ['without a byte order mark, then with', '', '\ufeff'],
  ])('stores no version and queues nothing for the same text saved %s', async (_, first, then) => {
    const { uploadText, blobs, queue, indexDocument } = ingestionFixture();
    const stored = await uploadText('Guide', `${first}# Guide\n\nHello.`);
    await indexDocument.execute(queue.jobs[0]!);

    const again = await uploadText('Guide', `${then}# Guide\n\nHello.`);

    expect(again).toEqual({ id: stored.id, status: 'ready', version: 1, unchanged: true });
    expect(blobs.keys()).toHaveLength(1);
    expect(queue.jobs).toHaveLength(1);
  });

  it('stores no version and queues nothing for the same text saved in UTF-16 after UTF-8', async () => {
    const { upload, uploadText, blobs, queue, indexDocument } = ingestionFixture();
    const stored = await uploadText('Guide', '# Guide\n\nHello.');
    await indexDocument.execute(queue.jobs[0]!);

    const again = await upload.execute({
      tenantId: 'acme',
      title: 'Guide',
      content: Buffer.from('\ufeff# Guide\n\nHello.', 'utf16le'),
      contentType: 'text/markdown',
    });

    expect(again).toEqual({ id: stored.id, status: 'ready', version: 1, unchanged: true });
    expect(blobs.keys()).toHaveLength(1);
    expect(queue.jobs).toHaveLength(1);
  });

  it('makes a new version of identical bytes when the current version failed', async () => {
    const { uploadText, documents, queue } = ingestionFixture();
    const first = await uploadText('Guide', 'same');
    await documents.transition('acme', first.id, 1, {
      status: 'failed',
      error: 'boom',
      at: '2026-01-01T00:00:00.000Z',
    });

    const again = await uploadText('Guide', 'same');

    expect(again).toEqual({ id: first.id, status: 'queued', version: 2 });
    expect(queue.jobs).toHaveLength(2);
  });

  it('keeps documents of different tenants apart even under the same title', async () => {
    const { uploadText } = ingestionFixture();

    const a = await uploadText('Guide', 'one', 'tenant-a');
    const b = await uploadText('Guide', 'one', 'tenant-b');

    expect(a.id).not.toBe(b.id);
    expect(b.version).toBe(1);
  });

  it('gives concurrent uploads of one title one document and distinct versions', async () => {
    const { uploadText, documents } = ingestionFixture();

    const results = await Promise.all([1, 2, 3, 4].map((n) => uploadText('Guide', `text ${n}`)));

    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(results.map((result) => result.version).sort()).toEqual([1, 2, 3, 4]);
    expect((await documents.get('acme', results[0]!.id))?.version).toBe(4);
  });

  it('answers 413 for a document over the size limit, storing nothing', async () => {
    const { upload, blobs, queue } = ingestionFixture();

    const attempt = upload.execute({
      tenantId: 'acme',
      title: 'Big',
      content: Buffer.alloc(100_001, 'a'),
      contentType: 'text/plain',
    });

    await expect(attempt).rejects.toMatchObject({ status: 413 });
    expect(blobs.objects.size).toBe(0);
    expect(queue.jobs).toEqual([]);
  });

  it('answers 422 for HTML with no text and for bytes that are not UTF-8', async () => {
    const { upload } = ingestionFixture();
    const input = { tenantId: 'acme', title: 'T' };

    await expect(
      upload.execute({
        ...input,
        content: Buffer.from('<script>x()</script>'),
        contentType: 'text/html',
      }),
    ).rejects.toMatchObject({ status: 422, type: 'urn:problem:empty-document' });
    await expect(
      upload.execute({
        ...input,
        content: Buffer.from([0x41, 0xc3, 0x28]),
        contentType: 'text/plain',
      }),
    ).rejects.toMatchObject({ status: 422, type: 'urn:problem:unreadable-document' });
  });

  it('answers a document of only whitespace and invisible characters as it answers an empty one', async () => {
    const { upload, documents, blobs, queue } = ingestionFixture();
    const input = { tenantId: 'acme', title: 'T', contentType: 'text/markdown' as const };

    const empty = upload.execute({ ...input, content: Buffer.from('') });
    const blank = upload.execute({
      ...input,
      content: Buffer.from(' \t\n\u00a0\u0085\u2028\u3000\u200b\u202e\ufeff'),
    });

    await expect(empty).rejects.toMatchObject({ status: 422, type: 'urn:problem:empty-document' });
    await expect(blank).rejects.toMatchObject({ status: 422, type: 'urn:problem:empty-document' });
    expect(await documents.list('acme', { limit: 10 })).toMatchObject({ items: [] });
    expect(blobs.objects.size).toBe(0);
    expect(queue.jobs).toEqual([]);
  });

  it('answers 422 for HTML whose only text is whitespace', async () => {
    const { upload } = ingestionFixture();

    await expect(
      upload.execute({
        tenantId: 'acme',
        title: 'T',
        content: Buffer.from('<p>&nbsp;</p><div> \u200b </div>'),
        contentType: 'text/html',
      }),
    ).rejects.toMatchObject({ status: 422, type: 'urn:problem:empty-document' });
  });

  it('checks only the start of a long HTML document, leaving the rest to the indexer', async () => {
    const { upload } = ingestionFixture({ maxUploadBytes: 1_000_000 });
    const html = `<script>${'x'.repeat(CHECK_PREFIX_BYTES)}</script><p>Text at last</p>`;

    const uploaded = await upload.execute({
      tenantId: 'acme',
      title: 'T',
      content: Buffer.from(html),
      contentType: 'text/html',
    });

    expect(uploaded.status).toBe('queued');
  });

  it('answers 400 for a blank title', async () => {
    const { uploadText } = ingestionFixture();

    await expect(uploadText('   ', 'text')).rejects.toBeInstanceOf(HttpProblem);
  });

  it('leaves the previous version current when the raw text cannot be stored', async () => {
    const { uploadText, blobs, documents, queue } = ingestionFixture();
    const first = await uploadText('Guide', 'one');
    blobs.putFailures.push(new DependencyError('s3', 'unavailable', 'PutObject is unavailable'));

    await expect(uploadText('Guide', 'two')).rejects.toMatchObject({ status: 503 });

    expect(await documents.get('acme', first.id)).toMatchObject({ version: 1, status: 'queued' });
    expect(queue.jobs).toHaveLength(1);
  });

  it('marks the stored version failed, saying to upload again, when the job cannot be sent', async () => {
    const { uploadText, blobs, documents, queue } = ingestionFixture();
    queue.failures.push(new DependencyError('sqs', 'unavailable', 'SendMessage is unavailable'));

    const attempt = uploadText('Guide', 'one');

    await expect(attempt).rejects.toMatchObject({ status: 503, dependency: 'sqs' });
    const [record] = (await documents.list('acme', { limit: 10 })).items;
    expect(record).toMatchObject({ status: 'failed', error: NOT_QUEUED_REASON, version: 1 });
    expect(blobs.objects.has(record!.blobKey)).toBe(true);
  });

  it('recovers from a failed enqueue when the client uploads again', async () => {
    const { uploadText, documents, queue } = ingestionFixture();
    queue.failures.push(new DependencyError('sqs', 'unavailable', 'SendMessage is unavailable'));
    await expect(uploadText('Guide', 'one')).rejects.toThrow();

    const retry = await uploadText('Guide', 'one');

    expect(retry).toMatchObject({ status: 'queued', version: 2 });
    expect(await documents.get('acme', retry.id)).not.toHaveProperty('error');
    expect(queue.jobs).toEqual([{ tenantId: 'acme', documentId: retry.id, version: 2 }]);
  });
});
