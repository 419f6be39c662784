import { describe, expect, it } from 'vitest';
import { apiGatewayEvent, type HttpRequestParts } from '../../../dev/http-events.js';
import { documentsApiOver } from '../../support/documents-api-over-fixture.js';
import { ingestionFixture } from '../../support/ingestion-fixture.js';
import { lambdaContext } from '../../support/lambda-context.js';

const MAX_UPLOAD_BYTES = 2_000;

const setup = () => {
  const fixture = ingestionFixture({ maxUploadBytes: MAX_UPLOAD_BYTES });
  const handler = documentsApiOver(fixture, { maxUploadBytes: MAX_UPLOAD_BYTES });
  const call = async (parts: HttpRequestParts & { routeKey: string }) => {
    const result = await handler(
      apiGatewayEvent({ ...parts, headers: { authorization: 'Bearer key-a', ...parts.headers } }),
      lambdaContext(),
    );
    return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
  };
  const postJson = (body: unknown) =>
    call({
      method: 'POST',
      url: '/v1/documents',
      routeKey: 'POST /v1/documents',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const postFile = async (content: string, name: string, type: string, title: string) => {
    const form = new FormData();
    form.append('file', new Blob([content], { type }), name);
    form.append('title', title);
    const request = new Request('http://local/', { method: 'POST', body: form });
    return call({
      method: 'POST',
      url: '/v1/documents',
      routeKey: 'POST /v1/documents',
      headers: { 'content-type': request.headers.get('content-type')! },
      body: Buffer.from(await request.arrayBuffer()),
    });
  };
  /** Runs the indexer on every job queued so far. */
  const indexAll = async () => {
    for (const job of fixture.queue.jobs.splice(0)) await fixture.indexDocument.execute(job);
  };
  return { ...fixture, postJson, postFile, indexAll };
};

describe('an upload with headings and no text', () => {
  it('answers 422 for Markdown that is only headings, leaving the ready version current', async () => {
    // Arrange: a title whose current version is indexed and ready.
    const { postJson, indexAll, documents } = setup();
    const good = await postJson({
      title: 'Guide',
      text: '# Guide\n\nInstall it with npm, then run it.',
    });
    await indexAll();
    expect(await documents.get('tenant-a', good.json.id)).toMatchObject({
      version: 1,
      status: 'ready',
    });

    // Act: a new upload of the same title holding headings only.
    const result = await postJson({ title: 'Guide', text: '# Guide\n\n## Install\n\n### Run' });
    await indexAll();

    // Assert: refused at once like a blank text (422 empty-document), nothing changed.
    expect(result.statusCode).toBe(422);
    expect(result.json).toMatchObject({ type: 'urn:problem:empty-document' });
    expect(await documents.get('tenant-a', good.json.id)).toMatchObject({
      version: 1,
      status: 'ready',
    });
  });

  it('answers 422 for Markdown that is only YAML front matter of one key', async () => {
    // Arrange
    const { postJson, indexAll, documents } = setup();

    // Act: `title: Notes` over `---` reads as a setext heading, so no paragraph remains.
    const result = await postJson({ title: 'Notes', text: '---\ntitle: Notes\n---\n' });
    await indexAll();

    // Assert
    expect(result.statusCode).toBe(422);
    expect((await documents.list('tenant-a', { limit: 10 })).items).toEqual([]);
  });

  it('answers 422 for an HTML file that is only a heading and a script', async () => {
    // Arrange
    const { postFile, indexAll, documents, blobs } = setup();

    // Act
    const result = await postFile(
      '<html><body><h1>Release notes</h1><script>document.write("lots of text")</script></body></html>',
      'notes.html',
      'text/html',
      'Release notes',
    );
    await indexAll();

    // Assert: the indexer finds no text (headings alone make no chunk); the upload should say so.
    expect(result.statusCode).toBe(422);
    expect(blobs.keys()).toEqual([]);
    expect((await documents.list('tenant-a', { limit: 10 })).items).toEqual([]);
  });
});
