import { describe, expect, it } from 'vitest';
import type { IndexJob } from '../../../../lambdas/core/ports/job-queue.js';
import { HttpProblem } from '../../../../lambdas/core/problem.js';
import { ingestionFixture } from '../../../support/ingestion-fixture.js';
import { fillerLines, makePdf } from '../../../support/pdf-fixture.js';

const pagesOf = (count: number) =>
  Array.from({ length: count }, (_, index) => fillerLines(index + 1));

describe('UploadDocument with PDFs', () => {
  it('stores the raw PDF and its page texts, and queues the version', async () => {
    const { uploadPdf, blobs, queue, documents } = ingestionFixture();

    const accepted = await uploadPdf('guide.pdf', [['Page one text'], ['Page two text']]);

    const record = await documents.get('acme', accepted.id);
    expect(record).toMatchObject({
      contentType: 'application/pdf',
      textKey: `${record?.blobKey}.pages.json`,
    });
    expect(JSON.parse(String(await blobs.get(record!.textKey!)))).toEqual({
      pages: [
        { page: 1, text: 'Page one text' },
        { page: 2, text: 'Page two text' },
      ],
    });
    expect(queue.jobs).toEqual([{ tenantId: 'acme', documentId: accepted.id, version: 1 }]);
  });

  it('answers unchanged for other bytes holding the same text, storing and queueing nothing', async () => {
    const { upload, queue, blobs } = ingestionFixture();
    const pages = [['The same words'], ['on the same pages']];
    const send = (producer: string) =>
      upload.execute({
        tenantId: 'acme',
        title: 'guide.pdf',
        content: makePdf(pages, { producer }),
        contentType: 'application/pdf',
      });
    await send('Writer 1');
    const storedBefore = blobs.keys().length;

    const again = await send('Writer 2');

    expect(again).toMatchObject({ version: 1, unchanged: true });
    expect(queue.jobs).toHaveLength(1);
    expect(blobs.keys()).toHaveLength(storedBefore);
  });

  it.each([
    ['encrypted', makePdf([['Secret']], { encrypted: true }), 'urn:problem:pdf-encrypted'],
    ['image-only', makePdf([[], []]), 'urn:problem:pdf-no-text'],
    ['malformed', Buffer.from('%PDF-1.4\nnot really'), 'urn:problem:pdf-malformed'],
  ])('refuses an %s PDF with a 422, leaving nothing behind', async (_, content, type) => {
    const { upload, queue, blobs, documents } = ingestionFixture();

    const refused = upload.execute({
      tenantId: 'acme',
      title: 'bad.pdf',
      content,
      contentType: 'application/pdf',
    });

    await expect(refused).rejects.toMatchObject({ status: 422, type });
    await expect(refused).rejects.toBeInstanceOf(HttpProblem);
    expect(queue.jobs).toEqual([]);
    expect(blobs.keys()).toEqual([]);
    expect(await documents.findByTitle('acme', 'bad.pdf')).toBeUndefined();
  });
});

describe('IndexDocument with PDFs', () => {
  it('gives every chunk the page it is on', async () => {
    const { uploadPdf, queue, indexDocument, vectors } = ingestionFixture();
    await uploadPdf('guide.pdf', [['Alpha facts live here.'], [], ['Gamma facts live here.']]);

    await indexDocument.execute(queue.jobs[0]!);

    expect(vectors.points.size).toBe(2);
    expect([...vectors.points.values()].map(({ payload }) => [payload.text, payload.page])).toEqual(
      [
        ['Alpha facts live here.', 1],
        ['Gamma facts live here.', 3],
      ],
    );
  });

  it('reads a PDF stored without its page texts, as one put straight into the bucket', async () => {
    const { uploadPdf, queue, indexDocument, blobs, documents, vectors } = ingestionFixture();
    const { id } = await uploadPdf('guide.pdf', [['Only page.']]);
    const record = await documents.get('acme', id);
    await blobs.deletePrefix(record!.textKey!);

    const outcome = await indexDocument.execute(queue.jobs[0]!);

    expect(outcome).toMatchObject({ kind: 'indexed', chunkCount: 1 });
    expect([...vectors.points.values()][0]?.payload.page).toBe(1);
  });

  it('fails an unreadable PDF at once, with the reason, without embedding it', async () => {
    const { uploadPdf, queue, indexDocument, blobs, documents, embedder } = ingestionFixture();
    const { id } = await uploadPdf('guide.pdf', [['Soon encrypted.']]);
    const record = await documents.get('acme', id);
    await blobs.deletePrefix(record!.textKey!);
    await blobs.put(record!.blobKey, makePdf([['x']], { encrypted: true }), 'application/pdf');

    const outcome = await indexDocument.execute(queue.jobs[0]!);

    expect(outcome).toMatchObject({ kind: 'rejected' });
    expect(await documents.get('acme', id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('encrypted'),
    });
    expect(embedder.calls).toEqual([]);
  });
});

describe('IndexDocument in parts', () => {
  /** Uploads a PDF big enough for several parts and runs its first job: the split. */
  const split = async (partChunks = 10) => {
    const fixture = ingestionFixture({ partChunks, maxUploadBytes: 2_000_000 });
    const { id } = await fixture.uploadPdf('handbook.pdf', pagesOf(6));
    const outcome = await fixture.indexDocument.execute(fixture.queue.jobs[0]!);
    const parts = fixture.queue.jobs.slice(1);
    return { ...fixture, id, outcome, parts };
  };

  it('splits a large version into parts of bounded size, one message each, embedding nothing', async () => {
    const { outcome, parts, embedder, documents, id } = await split();

    expect(outcome).toMatchObject({ kind: 'split' });
    if (outcome.kind !== 'split') return;
    expect(parts).toHaveLength(outcome.parts);
    expect(parts.map((job) => job.part!.toChunk - job.part!.fromChunk)).toSatisfy(
      (sizes: number[]) => sizes.every((size) => size > 0 && size <= 10),
    );
    expect(parts.at(-1)?.part?.toChunk).toBe(outcome.chunkCount);
    expect(embedder.calls).toEqual([]);
    expect(await documents.get('acme', id)).toMatchObject({
      status: 'indexing',
      parts: outcome.parts,
      partsDone: 0,
    });
  });

  it('marks the version ready when its last part is done, with every chunk stored once', async () => {
    const { outcome, parts, indexDocument, documents, vectors, id } = await split();

    for (const part of parts.reverse()) await indexDocument.execute(part);

    if (outcome.kind !== 'split') throw new Error('expected a split');
    expect(await documents.get('acme', id)).toMatchObject({
      status: 'ready',
      chunkCount: outcome.chunkCount,
    });
    expect(vectors.points.size).toBe(outcome.chunkCount);
  });

  it("reads and chunks a version's text once for all of its parts", async () => {
    const { parts, indexDocument, blobs } = await split();
    const read = blobs.get.bind(blobs);
    const reads: string[] = [];
    blobs.get = (key: string) => {
      reads.push(key);
      return read(key);
    };

    await Promise.all(parts.map((part) => indexDocument.execute(part)));

    expect(reads).toHaveLength(1);
  });

  it('stays indexing while a part is missing', async () => {
    const { parts, indexDocument, documents, id } = await split();

    for (const part of parts.slice(1)) await indexDocument.execute(part);

    expect(await documents.get('acme', id)).toMatchObject({
      status: 'indexing',
      partsDone: parts.length - 1,
    });
  });

  it('counts a redelivered part once', async () => {
    const { parts, indexDocument, documents, id } = await split();

    await indexDocument.execute(parts[0]!);
    await indexDocument.execute(parts[0]!);
    for (const part of parts.slice(2)) await indexDocument.execute(part);

    expect(await documents.get('acme', id)).toMatchObject({
      status: 'indexing',
      partsDone: parts.length - 1,
    });
  });

  it('fails the version when a part fails for good, and later parts count nothing', async () => {
    const { parts, indexDocument, documents, id, embedder } = await split();
    await indexDocument.execute(parts[0]!);

    await indexDocument.markFailed(parts[1]!, 'Indexing failed after 5 attempts: throttled', 5);
    const callsBefore = embedder.calls.length;
    const late = await indexDocument.execute(parts[2]!);

    expect(late).toMatchObject({ kind: 'skipped' });
    expect(embedder.calls).toHaveLength(callsBefore);
    expect(await documents.get('acme', id)).toMatchObject({
      status: 'failed',
      error: 'Indexing failed after 5 attempts: throttled',
    });
  });

  it('skips the parts of a superseded version', async () => {
    const { parts, indexDocument, uploadPdf, embedder } = await split();
    await uploadPdf('handbook.pdf', pagesOf(2));

    const outcome = await indexDocument.execute(parts[0] as IndexJob);

    expect(outcome).toMatchObject({ kind: 'skipped' });
    expect(embedder.calls).toEqual([]);
  });
});
