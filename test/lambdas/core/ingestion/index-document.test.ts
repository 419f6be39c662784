import { describe, expect, it } from 'vitest';
import { DependencyError } from '../../../../lambdas/core/dependency-error.js';
import { chunkId } from '../../../../lambdas/core/ingestion/chunk-id.js';
import { MAX_CHUNKS_PER_DOCUMENT } from '../../../../lambdas/core/ingestion/chunk-text.js';
import { IndexDocument } from '../../../../lambdas/core/ingestion/index-document.js';
import { encodePages } from '../../../../lambdas/core/ingestion/stored-pages.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';
import { testReaders } from '../../../support/readers.js';

describe('IndexDocument', () => {
  it('chunks, embeds and upserts a queued document, then marks it ready', async () => {
    const { uploadText, queue, indexDocument, documents, vectors } = ingestionFixture();
    const { id } = await uploadText('Guide', sectionedMarkdown(3));

    const outcome = await indexDocument.execute(queue.jobs[0]!, { attempt: 1 });

    expect(outcome).toEqual({ kind: 'indexed', chunkCount: 3, embeddingCalls: 1 });
    expect(await documents.get('acme', id)).toMatchObject({
      status: 'ready',
      chunkCount: 3,
      attempts: 1,
    });
    const points = vectors.pointsOf('acme', id);
    expect(points.map((point) => point.id)).toEqual([0, 1, 2].map((i) => chunkId('acme', id, i)));
    expect(points[1]!.payload).toEqual({
      tenantId: 'acme',
      documentId: id,
      version: 1,
      title: 'Guide',
      chunkIndex: 1,
      text: 'topic 1\n\nThis paragraph explains topic number 1 in a few words.',
    });
  });

  it('embeds N chunks in ceil(N / batch limit) calls', async () => {
    const { uploadText, queue, indexDocument, embedder } = ingestionFixture({
      limits: { maxInputsPerRequest: 4 },
    });
    await uploadText('Big', sectionedMarkdown(10));

    const outcome = await indexDocument.execute(queue.jobs[0]!);

    expect(outcome).toMatchObject({ chunkCount: 10, embeddingCalls: 3 });
    expect(embedder.calls.map((call) => call.length)).toEqual([4, 4, 2]);
  });

  it('overwrites the same points when a version of the same length is indexed', async () => {
    const { uploadText, queue, indexDocument, vectors } = ingestionFixture();
    const { id } = await uploadText('Guide', sectionedMarkdown(4));
    await indexDocument.execute(queue.jobs[0]!);

    await uploadText('Guide', sectionedMarkdown(4, 'revised'));
    await indexDocument.execute(queue.jobs[1]!);

    expect(await vectors.count('acme', id)).toBe(4);
    expect(vectors.pointsOf('acme', id).map((point) => point.payload.version)).toEqual([
      2, 2, 2, 2,
    ]);
  });

  it('removes the chunks a shortened version no longer has', async () => {
    const { uploadText, queue, indexDocument, vectors, documents } = ingestionFixture();
    const { id } = await uploadText('Guide', sectionedMarkdown(6));
    await indexDocument.execute(queue.jobs[0]!);

    await uploadText('Guide', sectionedMarkdown(2, 'shorter'));
    await indexDocument.execute(queue.jobs[1]!);

    expect(vectors.pointsOf('acme', id).map((point) => point.payload.chunkIndex)).toEqual([0, 1]);
    expect(vectors.pointsOf('acme', id)[0]!.payload.text).toContain('shorter');
    expect(await documents.get('acme', id)).toMatchObject({
      status: 'ready',
      chunkCount: 2,
      version: 2,
    });
  });

  it('makes a redelivered message harmless', async () => {
    const { uploadText, queue, indexDocument, vectors, documents } = ingestionFixture();
    const { id } = await uploadText('Guide', sectionedMarkdown(3));
    await indexDocument.execute(queue.jobs[0]!, { attempt: 1 });
    const before = structuredClone([...vectors.points.entries()]);

    const again = await indexDocument.execute(queue.jobs[0]!, { attempt: 2 });

    expect(again).toEqual({ kind: 'skipped', reason: 'version 1 is ready' });
    expect([...vectors.points.entries()]).toEqual(before);
    expect(await documents.get('acme', id)).toMatchObject({ status: 'ready', chunkCount: 3 });
  });

  it('skips a job for a version older than the stored one', async () => {
    const { uploadText, queue, indexDocument, embedder, documents } = ingestionFixture();
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    await uploadText('Guide', sectionedMarkdown(3));

    const outcome = await indexDocument.execute(queue.jobs[0]!);

    expect(outcome).toEqual({ kind: 'skipped', reason: 'version 1 is superseded by 2' });
    expect(embedder.calls).toEqual([]);
    expect(await documents.get('acme', id)).toMatchObject({ status: 'queued', version: 2 });
  });

  it('skips a job for a deleted document', async () => {
    const { uploadText, queue, indexDocument, documents, embedder } = ingestionFixture();
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    await documents.delete('acme', id);

    const outcome = await indexDocument.execute(queue.jobs[0]!);

    expect(outcome).toEqual({ kind: 'skipped', reason: 'the document was deleted' });
    expect(embedder.calls).toEqual([]);
  });

  it('lets a transient embedding error propagate and stores no partial work', async () => {
    const { uploadText, queue, indexDocument, embedder, vectors, documents } = ingestionFixture({
      limits: { maxInputsPerRequest: 2 },
    });
    const { id } = await uploadText('Guide', sectionedMarkdown(5));
    embedder.failures.push(
      null,
      new DependencyError('openai', 'unavailable', 'rate limited (429)'),
    );

    await expect(indexDocument.execute(queue.jobs[0]!)).rejects.toThrow('rate limited (429)');

    expect(embedder.calls).toHaveLength(2);
    expect(await vectors.count('acme', id)).toBe(0);
    expect((await documents.get('acme', id))?.status).toBe('indexing');
  });

  it('succeeds when the queue retries after a transient error', async () => {
    const { uploadText, queue, indexDocument, embedder, documents } = ingestionFixture();
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    embedder.failures.push(new DependencyError('openai', 'unavailable', 'rate limited (429)'));
    await expect(indexDocument.execute(queue.jobs[0]!, { attempt: 1 })).rejects.toThrow();

    await indexDocument.execute(queue.jobs[0]!, { attempt: 2 });

    expect(await documents.get('acme', id)).toMatchObject({ status: 'ready', attempts: 2 });
  });

  it('fails a version whose text makes no chunk instead of marking it ready', async () => {
    // A presigned upload: its file is stored before anything reads it (the API refuses it).
    const { uploadPresigned, queue, indexDocument, documents } = ingestionFixture();
    const bytes = Buffer.from('# Title\n\n## Section\n\n---\n');
    const { id } = await uploadPresigned(bytes, 'headings.md');

    const outcome = await indexDocument.execute(queue.jobs[0]!);

    expect(outcome).toEqual({ kind: 'rejected', reason: 'The document holds no text to index' });
    expect(await documents.get('acme', id)).toMatchObject({
      status: 'failed',
      error: 'The document holds no text to index',
    });
  });

  it('fails at once a presigned upload whose bytes are not UTF-8 text', async () => {
    const { uploadPresigned, queue, indexDocument, documents } = ingestionFixture();
    const bytes = Buffer.from([0x23, 0x20, 0xff, 0xfe, 0x41, 0x0a]);
    const requested = await uploadPresigned(bytes);

    const outcome = await indexDocument.execute(queue.jobs[0]!, { attempt: 1 });

    expect(outcome.kind).toBe('rejected');
    expect(await documents.get('acme', requested.id)).toMatchObject({ status: 'failed' });
  });

  it('marks the version failed with a readable reason when told to give up', async () => {
    const { uploadText, queue, indexDocument, documents } = ingestionFixture();
    const { id } = await uploadText('Guide', sectionedMarkdown(2));

    const marked = await indexDocument.markFailed(queue.jobs[0]!, 'openai: rate limited', 5);

    expect(marked).toBe(true);
    expect(await documents.get('acme', id)).toMatchObject({
      status: 'failed',
      error: 'openai: rate limited',
      attempts: 5,
    });
  });

  it('does not mark a newer version failed for an older job', async () => {
    const { uploadText, queue, indexDocument, documents } = ingestionFixture();
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    await uploadText('Guide', sectionedMarkdown(3));

    const marked = await indexDocument.markFailed(queue.jobs[0]!, 'too late', 5);

    expect(marked).toBe(false);
    expect((await documents.get('acme', id))?.status).toBe('queued');
  });

  it('re-queues the newer version when it is superseded while running', async () => {
    const { uploadText, queue, indexDocument, embedder, documents } = ingestionFixture();
    const { id } = await uploadText('Guide', sectionedMarkdown(2));
    embedder.onCall = async () => {
      embedder.onCall = undefined;
      await uploadText('Guide', sectionedMarkdown(3, 'newer'));
    };

    const outcome = await indexDocument.execute(queue.jobs[0]!);

    expect(outcome.kind).toBe('skipped');
    expect(queue.jobs.map((job) => job.version)).toEqual([1, 2, 2]);
    expect(await documents.get('acme', id)).toMatchObject({ version: 2, status: 'queued' });
  });

  it('removes what it wrote when the document is deleted while running', async () => {
    const { uploadText, queue, indexDocument, embedder, documents, vectors } = ingestionFixture();
    const { id } = await uploadText('Guide', sectionedMarkdown(3));
    embedder.onCall = async () => {
      await documents.delete('acme', id);
    };

    const outcome = await indexDocument.execute(queue.jobs[0]!);

    expect(outcome).toMatchObject({ kind: 'skipped' });
    expect(await vectors.count('acme', id)).toBe(0);
  });

  it('stops when its deadline passes', async () => {
    const { uploadText, queue, indexDocument, embedder } = ingestionFixture();
    await uploadText('Guide', sectionedMarkdown(2));

    await expect(
      indexDocument.execute(queue.jobs[0]!, { signal: AbortSignal.abort() }),
    ).rejects.toThrow();
    expect(embedder.calls).toEqual([]);
  });

  it('indexes HTML as text, keeping its headings in the chunks', async () => {
    const { upload, queue, indexDocument, vectors } = ingestionFixture();
    const html =
      '<html><head><script>x()</script></head><body><h1>Guide</h1><p>Hello &amp; welcome</p></body></html>';
    const { id } = await upload.execute({
      tenantId: 'acme',
      title: 'Page',
      content: Buffer.from(html),
      contentType: 'text/html',
    });

    await indexDocument.execute(queue.jobs[0]!);

    expect(vectors.pointsOf('acme', id).map((point) => point.payload.text)).toEqual([
      'Guide\n\nHello & welcome',
    ]);
  });

  it('indexes a text saved with a byte order mark as the same text without one', async () => {
    const { uploadText, queue, indexDocument, vectors } = ingestionFixture();
    const plain = await uploadText('Plain', '# Guide\n\nHello.');
    const marked = await uploadText('Marked', '\ufeff# Guide\n\nHello.');

    for (const job of queue.jobs) await indexDocument.execute(job);

    const chunksOf = (id: string) =>
      vectors.pointsOf('acme', id).map(({ payload, sparse }) => [payload.text, sparse]);
    expect(chunksOf(marked.id)).toEqual(chunksOf(plain.id));
  });

  it('indexes a presigned upload of UTF-16 text, read from its raw bytes, as the same text in UTF-8', async () => {
    const { uploadText, uploadPresigned, queue, indexDocument, vectors } = ingestionFixture();
    const text = sectionedMarkdown(3);
    const plain = await uploadText('Plain', text);
    const bytes = Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
    const requested = await uploadPresigned(bytes);

    for (const job of queue.jobs) await indexDocument.execute(job, { attempt: 1 });

    const chunksOf = (id: string) =>
      vectors.pointsOf('acme', id).map(({ payload, sparse }) => [payload.text, sparse]);
    expect(chunksOf(requested.id)).toHaveLength(3);
    expect(chunksOf(requested.id)).toEqual(chunksOf(plain.id));
  });

  it('fails at once, naming UTF-16, a presigned upload of UTF-16 with an odd number of bytes', async () => {
    const { uploadPresigned, queue, indexDocument, documents } = ingestionFixture();
    const bytes = Buffer.concat([Buffer.from('\ufeff# Notes\n\nHi', 'utf16le'), Buffer.from([0])]);
    const requested = await uploadPresigned(bytes);

    const outcome = await indexDocument.execute(queue.jobs[0]!, { attempt: 1 });

    const reason = /UTF-16 \(little-endian\).*odd number of bytes/;
    expect(outcome).toEqual({ kind: 'rejected', reason: expect.stringMatching(reason) });
    expect(await documents.get('acme', requested.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(reason),
    });
  });

  it('fails, to be retried, when the raw text is missing', async () => {
    const { uploadText, queue, indexDocument, blobs } = ingestionFixture();
    await uploadText('Guide', sectionedMarkdown(2));
    blobs.objects.clear();

    await expect(indexDocument.execute(queue.jobs[0]!)).rejects.toThrow('missing');
  });

  it('fails at once, with the reason, a version whose text makes more chunks than a document may', async () => {
    const { uploadText, queue, indexDocument, documents, embedder } = ingestionFixture({
      maxUploadBytes: 2_000_000,
    });
    const { id } = await uploadText('Huge', sectionedMarkdown(MAX_CHUNKS_PER_DOCUMENT + 1));

    const outcome = await indexDocument.execute(queue.jobs[0]!, { attempt: 1 });

    const reason = `The document makes more than ${MAX_CHUNKS_PER_DOCUMENT} chunks; split it into smaller documents`;
    expect(outcome).toEqual({ kind: 'rejected', reason });
    expect(await documents.get('acme', id)).toMatchObject({ status: 'failed', error: reason });
    expect(embedder.calls).toEqual([]);
  });

  it('fails at once, with the reason, a PDF whose pages make more chunks than a document may', async () => {
    const { uploadPdf, queue, indexDocument, documents, blobs, embedder } = ingestionFixture();
    const { id } = await uploadPdf('Scans', [['A short first page']]);
    const { textKey } = (await documents.get('acme', id))!;
    const chunksPerPage = 5;
    const pages = Array.from(
      { length: MAX_CHUNKS_PER_DOCUMENT / chunksPerPage + 1 },
      (_, page) => ({
        page: page + 1,
        text: Array.from(
          { length: chunksPerPage },
          (_, n) =>
            `Paragraph ${n} of page ${page} says enough words to fill one chunk of forty tokens on its own, and then some more.`,
        ).join('\n\n'),
      }),
    );
    await blobs.put(textKey!, encodePages(pages), 'application/json');

    const outcome = await indexDocument.execute(queue.jobs[0]!, { attempt: 1 });

    const reason = `The document makes more than ${MAX_CHUNKS_PER_DOCUMENT} chunks; split it into smaller documents`;
    expect(outcome).toEqual({ kind: 'rejected', reason });
    expect(await documents.get('acme', id)).toMatchObject({ status: 'failed', error: reason });
    expect(embedder.calls).toEqual([]);
  });

  it('fails the version at once when a part finds its text needs more than its CPU budget', async () => {
    const world = ingestionFixture({ maxUploadBytes: 2_000_000, partChunks: 2_500 });
    const { id } = await world.uploadText('Long', sectionedMarkdown(5_000));
    await world.indexDocument.execute(world.queue.jobs[0]!, { attempt: 1 });
    const part = world.queue.jobs.find((job) => job.part?.index === 0)!;
    const tightIndexer = new IndexDocument({
      ...world,
      chunking: { maxTokens: 40, overlapTokens: 8 },
      readers: testReaders,
      partChunks: 2_500,
      textCpuBudgetMs: 1,
    });

    const outcome = await tightIndexer.execute(part, { attempt: 1 });

    expect(outcome).toMatchObject({ kind: 'rejected' });
    expect(await world.documents.get('acme', id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/more than 0.001 s of CPU time; split the document/),
    });
  });

  it('throws, for the queue to retry, when its deadline passes while the text is chunked', async () => {
    const { uploadText, queue, indexDocument, documents } = ingestionFixture({
      maxUploadBytes: 2_000_000,
    });
    const { id } = await uploadText('Long', sectionedMarkdown(5_000));
    const deadline = new AbortController();
    setTimeout(() => deadline.abort(new DOMException('deadline', 'TimeoutError')), 1);

    const run = indexDocument.execute(queue.jobs[0]!, { attempt: 1, signal: deadline.signal });

    await expect(run).rejects.toThrow('deadline');
    expect((await documents.get('acme', id))?.status).toBe('indexing');
  });

  it('fails at once, with the reason, a version whose text needs more than its CPU budget', async () => {
    const { upload, queue, indexDocument, documents, embedder } = ingestionFixture({
      maxUploadBytes: 2_000_000,
      textCpuBudgetMs: 1,
    });
    const { id } = await upload.execute({
      tenantId: 'acme',
      title: 'Huge',
      content: Buffer.from('a\n\n'.repeat(500_000)),
      contentType: 'text/markdown',
    });

    const outcome = await indexDocument.execute(queue.jobs[0]!, { attempt: 1 });

    const reason = /more than 0.001 s of CPU time; split the document into smaller ones/;
    expect(outcome).toEqual({ kind: 'rejected', reason: expect.stringMatching(reason) });
    expect(await documents.get('acme', id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(reason),
      attempts: 1,
    });
    expect(embedder.calls).toEqual([]);
  });

  it('fails at once a UTF-16 version whose text needs more than its CPU budget', async () => {
    const { upload, queue, indexDocument, documents } = ingestionFixture({
      maxUploadBytes: 4_000_000,
      textCpuBudgetMs: 1,
    });
    const { id } = await upload.execute({
      tenantId: 'acme',
      title: 'Huge',
      content: Buffer.from(`\ufeff${'a\n\n'.repeat(500_000)}`, 'utf16le'),
      contentType: 'text/markdown',
    });

    const outcome = await indexDocument.execute(queue.jobs[0]!, { attempt: 1 });

    const reason = /more than 0.001 s of CPU time; split the document into smaller ones/;
    expect(outcome).toEqual({ kind: 'rejected', reason: expect.stringMatching(reason) });
    expect(await documents.get('acme', id)).toMatchObject({ status: 'failed' });
  });
});
