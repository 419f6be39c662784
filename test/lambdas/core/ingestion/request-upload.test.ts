import { describe, expect, it } from 'vitest';
import { uploadKey } from '../../../../lambdas/core/ingestion/object-keys.js';
import { HttpProblem } from '../../../../lambdas/core/problem.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';

const request = (title = 'handbook.md', contentLength = 5_000) => ({
  tenantId: 'acme',
  title,
  contentType: 'text/markdown' as const,
  contentLength,
});

describe('RequestUpload', () => {
  it('records the document awaiting its upload and signs a PUT of that type and size to its key', async () => {
    const { requestUpload, documents, signer, queue } = ingestionFixture();

    const requested = await requestUpload.execute({ ...request(), metadata: { team: 'support' } });

    const key = uploadKey('acme', requested.id, 1);
    expect(signer.grants).toEqual([
      { key, contentType: 'text/markdown', contentLength: 5_000, expiresInSeconds: 900 },
    ]);
    expect(requested).toMatchObject({
      version: 1,
      status: 'awaiting-upload',
      upload: { method: 'PUT', expiresAt: '2026-01-01T00:15:00.000Z' },
    });
    expect(await documents.get('acme', requested.id)).toMatchObject({
      title: 'handbook.md',
      status: 'awaiting-upload',
      sizeBytes: 5_000,
      blobKey: key,
      metadata: { team: 'support' },
    });
    expect(queue.jobs).toEqual([]);
  });

  it('makes a new version of a title that already has a document', async () => {
    const { requestUpload, uploadText } = ingestionFixture();
    const first = await uploadText('handbook.md', sectionedMarkdown(1));

    const requested = await requestUpload.execute(request());

    expect(requested).toMatchObject({ id: first.id, version: 2 });
  });

  it('refuses a file over the limit with a 413 naming it, recording nothing', async () => {
    const { requestUpload, documents, signer } = ingestionFixture({ maxPresignedBytes: 1_000 });

    const refused = requestUpload.execute(request('big.md', 1_001));

    await expect(refused).rejects.toMatchObject({
      status: 413,
      detail: expect.stringContaining('MAX_PRESIGNED_UPLOAD_BYTES'),
    });
    expect(await documents.findByTitle('acme', 'big.md')).toBeUndefined();
    expect(signer.grants).toEqual([]);
  });

  it('refuses a blank title', async () => {
    const { requestUpload } = ingestionFixture();

    await expect(requestUpload.execute(request('  '))).rejects.toBeInstanceOf(HttpProblem);
  });

  it('answers 409 when the document is deleted while the upload is prepared', async () => {
    const { requestUpload, documents, uploadText, deleteDocument } = ingestionFixture();
    const { id } = await uploadText('handbook.md', sectionedMarkdown(1));
    const reserve = documents.reserveVersion.bind(documents);
    documents.reserveVersion = async (tenantId, title) => {
      const reserved = await reserve(tenantId, title);
      await deleteDocument.execute(tenantId, id);
      return reserved;
    };

    await expect(requestUpload.execute(request())).rejects.toMatchObject({ status: 409 });
    expect(await documents.get('acme', id)).toBeUndefined();
  });
});
