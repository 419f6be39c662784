import { describe, expect, it } from 'vitest';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';

const setup = () => ingestionFixture();

describe('DeleteDocument', () => {
  it('removes every chunk, every uploaded version and the record', async () => {
    const { uploadText, queue, indexDocument, deleteDocument, documents, blobs, vectors } = setup();
    const { id } = await uploadText('Guide', sectionedMarkdown(3));
    await uploadText('Guide', sectionedMarkdown(4));
    await indexDocument.execute(queue.jobs[1]!);

    const deleted = await deleteDocument.execute('acme', id);

    expect(deleted).toBe(true);
    expect(await vectors.count('acme', id)).toBe(0);
    expect(blobs.keys()).toEqual([]);
    expect(await documents.get('acme', id)).toBeUndefined();
  });

  it('removes the presigned uploads of the document too', async () => {
    const { requestUpload, deleteDocument, blobs } = setup();
    const { id, version } = await requestUpload.execute({
      tenantId: 'acme',
      title: 'handbook.md',
      contentType: 'text/markdown',
      contentLength: 4,
    });
    await blobs.put(`tenants/acme/uploads/${id}/v${version}`, Buffer.from('text'), 'text/markdown');

    await deleteDocument.execute('acme', id);

    expect(blobs.keys()).toEqual([]);
  });

  it('frees the title: the next upload of it is a new document', async () => {
    const { uploadText, deleteDocument } = setup();
    const first = await uploadText('Guide', 'one');
    await deleteDocument.execute('acme', first.id);

    const again = await uploadText('Guide', 'one');

    expect(again.id).not.toBe(first.id);
    expect(again.version).toBe(1);
  });

  it("answers false for another tenant's document and leaves it alone", async () => {
    const { uploadText, queue, indexDocument, deleteDocument, vectors, documents } = setup();
    const { id } = await uploadText('Guide', sectionedMarkdown(2), 'tenant-a');
    await indexDocument.execute(queue.jobs[0]!);

    const deleted = await deleteDocument.execute('tenant-b', id);

    expect(deleted).toBe(false);
    expect(await vectors.count('tenant-a', id)).toBe(2);
    expect(await documents.get('tenant-a', id)).toBeDefined();
  });
});
