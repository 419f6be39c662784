import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { documentsApiOver } from '../../support/documents-api-over-fixture.js';
import { ingestionFixture } from '../../support/ingestion-fixture.js';
import { lambdaContext } from '../../support/lambda-context.js';

const MAX_UPLOAD_BYTES = 2_000;

/** A text as Notepad saves it as "Unicode": UTF-16 little-endian behind its byte order mark. */
const utf16le = (text: string) => new Uint8Array(Buffer.from(`\ufeff${text}`, 'utf16le'));

const setup = () => {
  const fixture = ingestionFixture({ maxUploadBytes: MAX_UPLOAD_BYTES });
  const handler = documentsApiOver(fixture, { maxUploadBytes: MAX_UPLOAD_BYTES });
  const postFile = async (content: Uint8Array<ArrayBuffer>, name: string, type: string) => {
    const form = new FormData();
    form.append('file', new Blob([content], { type }), name);
    const request = new Request('http://local/', { method: 'POST', body: form });
    const result = await handler(
      apiGatewayEvent({
        method: 'POST',
        url: '/v1/documents',
        routeKey: 'POST /v1/documents',
        headers: {
          authorization: 'Bearer key-a',
          'content-type': request.headers.get('content-type')!,
        },
        body: Buffer.from(await request.arrayBuffer()),
      }),
      lambdaContext(),
    );
    return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
  };
  /** Runs the indexer on every job queued so far. */
  const indexAll = async () => {
    for (const job of fixture.queue.jobs.splice(0)) await fixture.indexDocument.execute(job);
  };
  return { ...fixture, postFile, indexAll };
};

describe('an upload of a text file saved as UTF-16', () => {
  it('accepts a UTF-16 Markdown file, stores its bytes as sent and indexes its text', async () => {
    // Arrange
    const { postFile, indexAll, blobs, vectors } = setup();
    const bytes = utf16le('# Notes\n\nCafé opens at nine.');

    // Act
    const result = await postFile(bytes, 'notes.md', 'text/markdown');
    await indexAll();

    // Assert
    expect(result.statusCode).toBe(202);
    const key = `tenants/tenant-a/documents/${result.json.id}/v1`;
    expect(blobs.objects.get(key)?.body).toEqual(Buffer.from(bytes));
    expect(vectors.pointsOf('tenant-a', result.json.id).map((point) => point.payload.text)).toEqual(
      ['Notes\n\nCafé opens at nine.'],
    );
  });

  it('answers 422 naming UTF-16 for a file of an odd number of bytes, storing nothing', async () => {
    // Arrange
    const { postFile, blobs, queue } = setup();
    const bytes = new Uint8Array([...utf16le('Hello'), 0x21]);

    // Act
    const result = await postFile(bytes, 'notes.txt', 'text/plain');

    // Assert
    expect(result.statusCode).toBe(422);
    expect(result.headers?.['content-type']).toContain('application/problem+json');
    expect(result.json).toMatchObject({
      type: 'urn:problem:unreadable-document',
      detail:
        'The document opens with a UTF-16 (little-endian) byte order mark but is not UTF-16 text: it has an odd number of bytes',
    });
    expect(blobs.keys()).toEqual([]);
    expect(queue.jobs).toEqual([]);
  });

  it('answers 413 for a UTF-16 file over the limit in bytes, though its text in UTF-8 is not', async () => {
    // Arrange: 1 200 characters, 2 402 bytes in UTF-16, 1 200 in UTF-8.
    const { postFile, blobs } = setup();

    // Act
    const result = await postFile(utf16le('x'.repeat(1_200)), 'big.txt', 'text/plain');

    // Assert
    expect(result.statusCode).toBe(413);
    expect(blobs.keys()).toEqual([]);
  });
});
