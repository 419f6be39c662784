/**
 * A PDF's text was bounded by nothing but its page count. `MAX_UPLOAD_BYTES` bounds the
 * file, but a content stream is compressed (FlateDecode, about 300:1 for repeated text) and any
 * number of pages may share one stream, so a file of a few kilobytes makes pdf.js produce
 * megabytes of text per page, inside the synchronous upload request (`extractDocument` runs in
 * `UploadDocument`), and the upload stores it all as `<blobKey>.pages.json`. 5 000 pages (the
 * page cap) sharing one such stream is a file of well under 1 MB and gigabytes of text: the
 * documents function runs out of memory; smaller ones are accepted with 202 and then can never
 * be indexed (past the 20 000-chunk cap, or the CPU budget, on every delivery).
 */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingestionFixture } from '../../../support/ingestion-fixture.js';

/** A PDF whose `pageCount` pages all show one Flate-compressed content stream. */
const sharedStreamPdf = (content: string, pageCount: number): Buffer => {
  const stream = deflateSync(Buffer.from(content, 'latin1'), { level: 9 });
  const pageIds = Array.from({ length: pageCount }, (_, index) => 5 + index);
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from(
      `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageCount} >>`,
    ),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
    Buffer.concat([
      Buffer.from(`<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`),
      stream,
      Buffer.from('\nendstream'),
    ]),
    ...pageIds.map(() =>
      Buffer.from(
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>',
      ),
    ),
  ];
  const parts = [Buffer.from('%PDF-1.4\n')];
  let size = parts[0]!.length;
  const offsets = objects.map((object, index) => {
    const part = Buffer.concat([
      Buffer.from(`${index + 1} 0 obj\n`),
      object,
      Buffer.from('\nendobj\n'),
    ]);
    parts.push(part);
    const offset = size;
    size += part.length;
    return offset;
  });
  parts.push(
    Buffer.from(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets
        .map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`)
        .join(
          '',
        )}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${size}\n%%EOF\n`,
    ),
  );
  return Buffer.concat(parts);
};

/** About 4.9 MB of text on one page: lines of prose in a 0.1 pt font, all inside the page. */
const denseText = `BT /F1 0.1 Tf 0.12 TL 1 840 Td\n${`(${'the quick brown fox jumps over the lazy dog '.repeat(100)}) Tj T*\n`.repeat(1_100)}ET`;

describe('UploadDocument of a PDF whose compressed pages expand to far more text than its size', () => {
  it('refuses it with a 422 naming the text limit, storing nothing', async () => {
    // Arrange: ~16 KB, three pages sharing one content stream of ~4.9 MB of text.
    const maxUploadBytes = 100_000;
    const { upload, blobs } = ingestionFixture({ maxUploadBytes });
    const pdf = sharedStreamPdf(denseText, 3);

    // Act
    const outcome = await upload
      .execute({
        tenantId: 'acme',
        title: 'Bomb.pdf',
        content: pdf,
        contentType: 'application/pdf',
      })
      .then(
        () => undefined,
        (error: { status?: number; type?: string }) => error,
      );

    // Assert (it was accepted, and ~14.7 MB of page text stored for the 16 KB upload)
    expect(outcome).toMatchObject({ status: 422, type: 'urn:problem:pdf-too-much-text' });
    expect(blobs.objects.size).toBe(0);
  }, 60_000);
});
