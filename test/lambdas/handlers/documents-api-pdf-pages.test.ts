import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { documentsBodyLimit } from '../../../lambdas/composition/documents-api.js';
import { MAX_PDF_PAGES } from '../../../lambdas/core/ingestion/extract-document.js';
import { createHandler } from '../../../lambdas/handlers/documents-api.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { ingestionFixture } from '../../support/ingestion-fixture.js';
import { lambdaContext } from '../../support/lambda-context.js';

/** The default `MAX_UPLOAD_BYTES` (2 MiB). */
const MAX_UPLOAD_BYTES = 2_097_152;

/**
 * A valid PDF 1.4 of `count` pages in one flat page tree: the first page says "Hello", the
 * others are empty and share the tree's MediaBox and font, so each page costs ~75 bytes.
 */
const manyPagePdf = (count: number): Buffer => {
  const content = 'BT /F1 11 Tf 56 790 Td (Hello) Tj ET';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  const kids: number[] = [];
  for (let page = 0; page < count; page += 1) {
    objects.push(
      page === 0 ? '<</Type/Page/Parent 2 0 R/Contents 4 0 R>>' : '<</Type/Page/Parent 2 0 R>>',
    );
    kids.push(objects.length);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.map((kid) => `${kid} 0 R`).join(' ')}] /Count ${count} /MediaBox [0 0 612 842] /Resources << /Font << /F1 3 0 R >> >> >>`;
  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, index) => {
    const offset = Buffer.byteLength(body, 'latin1');
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
};

describe('a PDF upload of many small pages', () => {
  const setup = () => {
    const fixture = ingestionFixture({ maxUploadBytes: MAX_UPLOAD_BYTES });
    const handler = createHandler({
      http: testHttpOptions(
        { 'key-a': 'tenant-a' },
        { maxBodyBytes: documentsBodyLimit({ MAX_UPLOAD_BYTES }, 1_048_576) },
      ),
      documents: fixture.documents,
      uploadDocument: fixture.upload,
      requestUpload: fixture.requestUpload,
      deleteDocument: fixture.deleteDocument,
      chunks: fixture.vectors,
      maxUploadBytes: MAX_UPLOAD_BYTES,
    });
    return { fixture, handler };
  };

  const uploadEvent = async (pdf: Buffer) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'pages.pdf');
    const request = new Request('http://local/', { method: 'POST', body: form });
    const event = apiGatewayEvent({
      method: 'POST',
      url: '/v1/documents',
      routeKey: 'POST /v1/documents',
      headers: {
        authorization: 'Bearer key-a',
        'content-type': request.headers.get('content-type')!,
      },
      body: Buffer.from(await request.arrayBuffer()),
    });
    return event;
  };

  it('answers 422 pdf-too-many-pages at once, storing nothing, for more pages than are read', async () => {
    // Arrange: pdf.js reads a flat page tree in time growing with the square of its pages
    // (4 000 pages 3.3 s, 8 000 13 s); 2 MiB holds 28 000 of them, well past a request's time.
    const { fixture, handler } = setup();
    const event = await uploadEvent(manyPagePdf(MAX_PDF_PAGES + 1));

    // Act
    const result = await handler(event, lambdaContext({ timeoutMs: 10_000 }));

    // Assert
    expect(result.statusCode).toBe(422);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({
      type: 'urn:problem:pdf-too-many-pages',
    });
    expect(fixture.blobs.keys()).toEqual([]);
  });

  it('answers 504, storing nothing, when reading the pages outlasts the time budget', async () => {
    const { fixture, handler } = setup();
    const event = await uploadEvent(manyPagePdf(MAX_PDF_PAGES));

    const result = await handler(event, lambdaContext({ timeoutMs: 3_500 }));

    expect(result.statusCode).toBe(504);
    expect(fixture.blobs.keys()).toEqual([]);
  });
});
