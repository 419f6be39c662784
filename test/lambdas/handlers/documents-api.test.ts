import { describe, expect, it } from 'vitest';
import { apiGatewayEvent, type HttpRequestParts } from '../../../dev/http-events.js';
import { UploadDocument } from '../../../lambdas/core/ingestion/upload-document.js';
import { createHandler } from '../../../lambdas/handlers/documents-api.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { ingestionFixture, sectionedMarkdown } from '../../support/ingestion-fixture.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { makePdf } from '../../support/pdf-fixture.js';
import { testReaders } from '../../support/readers.js';

const MAX_UPLOAD_BYTES = 2_000;

const setup = () => {
  const fixture = ingestionFixture({ maxUploadBytes: MAX_UPLOAD_BYTES });
  const { documents, upload, deleteDocument, vectors, requestUpload } = fixture;
  const handler = createHandler({
    http: testHttpOptions({ 'key-a': 'tenant-a', 'key-b': 'tenant-b' }, { maxBodyBytes: 10_000 }),
    documents,
    uploadDocument: upload,
    requestUpload,
    deleteDocument,
    chunks: vectors,
    maxUploadBytes: MAX_UPLOAD_BYTES,
  });
  const call = async (parts: HttpRequestParts & { routeKey: string }, key = 'key-a') => {
    const result = await handler(
      apiGatewayEvent({ ...parts, headers: { authorization: `Bearer ${key}`, ...parts.headers } }),
      lambdaContext(),
    );
    return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
  };
  const postJson = (body: unknown, key?: string) =>
    call(
      {
        method: 'POST',
        url: '/v1/documents',
        routeKey: 'POST /v1/documents',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
      key,
    );
  const postForm = async (form: FormData, key?: string) => {
    const request = new Request('http://local/', { method: 'POST', body: form });
    return call(
      {
        method: 'POST',
        url: '/v1/documents',
        routeKey: 'POST /v1/documents',
        headers: { 'content-type': request.headers.get('content-type')! },
        body: Buffer.from(await request.arrayBuffer()),
      },
      key,
    );
  };
  const getOne = (id: string, key?: string) =>
    call(
      {
        method: 'GET',
        url: `/v1/documents/${id}`,
        routeKey: 'GET /v1/documents/{id}',
        pathParameters: { id },
      },
      key,
    );
  const list = (query = '', key?: string) =>
    call({ method: 'GET', url: `/v1/documents${query}`, routeKey: 'GET /v1/documents' }, key);
  const remove = (id: string, key?: string) =>
    call(
      {
        method: 'DELETE',
        url: `/v1/documents/${id}`,
        routeKey: 'DELETE /v1/documents/{id}',
        pathParameters: { id },
      },
      key,
    );
  const chunks = (id: string, query = '', key?: string) =>
    call(
      {
        method: 'GET',
        url: `/v1/documents/${id}/chunks${query}`,
        routeKey: 'GET /v1/documents/{id}/chunks',
        pathParameters: { id },
      },
      key,
    );
  const postUpload = (body: unknown, key?: string) =>
    call(
      {
        method: 'POST',
        url: '/v1/uploads',
        routeKey: 'POST /v1/uploads',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
      key,
    );
  return { ...fixture, call, postJson, postForm, getOne, list, remove, chunks, postUpload };
};

const fileForm = (
  content: string | Uint8Array<ArrayBuffer>,
  name: string,
  type: string,
  fields: Record<string, string> = {},
) => {
  const form = new FormData();
  form.append('file', new Blob([content], { type }), name);
  for (const [field, value] of Object.entries(fields)) form.append(field, value);
  return form;
};

describe('documents function', () => {
  describe('POST /v1/documents', () => {
    it('accepts JSON with 202, a Location and the queued version', async () => {
      const { postJson, queue, blobs } = setup();

      const result = await postJson({
        title: 'Guide',
        text: '# Guide\n\nHello.',
        metadata: { lang: 'en' },
      });

      expect(result.statusCode).toBe(202);
      expect(result.json).toEqual({ id: expect.any(String), status: 'queued', version: 1 });
      expect(result.headers?.location).toBe(`/v1/documents/${result.json.id}`);
      expect(queue.jobs).toEqual([
        { tenantId: 'tenant-a', documentId: result.json.id, version: 1 },
      ]);
      expect(blobs.keys()).toEqual([`tenants/tenant-a/documents/${result.json.id}/v1`]);
    });

    it('answers a second upload of a title with a new version of the same document', async () => {
      const { postJson } = setup();
      const first = await postJson({ title: 'Guide', text: 'one' });

      const second = await postJson({ title: 'Guide', text: 'two' });

      expect(second.json).toEqual({ id: first.json.id, status: 'queued', version: 2 });
    });

    it('answers 400 naming each invalid field, unknown fields included', async () => {
      const { postJson } = setup();

      const result = await postJson({ text: '', extra: true, metadata: { 'bad key!': 1 } });

      expect(result.statusCode).toBe(400);
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      const paths = result.json.errors.map((error: { path: string }) => error.path);
      expect(paths).toEqual(
        expect.arrayContaining(['body.title', 'body.text', 'body', 'body.metadata.bad key!']),
      );
    });

    it('answers 413 for a text over the upload limit', async () => {
      const { postJson, queue } = setup();

      const result = await postJson({ title: 'Big', text: 'x'.repeat(MAX_UPLOAD_BYTES + 1) });

      expect(result.statusCode).toBe(413);
      expect(queue.jobs).toEqual([]);
    });

    it('answers 413 for a body over the function limit before reading it', async () => {
      const { postJson } = setup();

      const result = await postJson({ title: 'Huge', text: 'x'.repeat(20_000) });

      expect(result.statusCode).toBe(413);
    });

    it('answers 415 for a body that is neither JSON nor multipart', async () => {
      const { call } = setup();

      const result = await call({
        method: 'POST',
        url: '/v1/documents',
        routeKey: 'POST /v1/documents',
        headers: { 'content-type': 'text/plain' },
        body: 'hello',
      });

      expect(result.statusCode).toBe(415);
    });

    it('accepts JSON whose Content-Type has whitespace before its parameters', async () => {
      const { call } = setup();

      const result = await call({
        method: 'POST',
        url: '/v1/documents',
        routeKey: 'POST /v1/documents',
        headers: { 'content-type': 'application/json ; charset=utf-8' },
        body: JSON.stringify({ title: 'Guide', text: '# Guide\n\nHello.' }),
      });

      expect(result.statusCode).toBe(202);
    });

    it('answers 415 naming JSON and multipart for a media type that only starts like JSON', async () => {
      const { call, blobs } = setup();

      const result = await call({
        method: 'POST',
        url: '/v1/documents',
        routeKey: 'POST /v1/documents',
        headers: { 'content-type': 'application/json-seq' },
        body: JSON.stringify({ title: 'Guide', text: '# Guide\n\nHello.' }),
      });

      expect(result.statusCode).toBe(415);
      expect(result.json.detail).toBe(
        'This route accepts application/json or multipart/form-data; got application/json-seq',
      );
      expect(blobs.keys()).toEqual([]);
    });

    it('accepts a Markdown file upload (base64 body) titled by its file name', async () => {
      const { postForm, documents, blobs } = setup();

      const result = await postForm(fileForm('# Notes\n\nSome text.', 'notes.md', 'text/markdown'));

      expect(result.statusCode).toBe(202);
      expect(await documents.get('tenant-a', result.json.id)).toMatchObject({
        title: 'notes.md',
        contentType: 'text/markdown',
        sizeBytes: 19,
      });
      expect(
        blobs.objects.get(`tenants/tenant-a/documents/${result.json.id}/v1`)?.body.toString(),
      ).toBe('# Notes\n\nSome text.');
    });

    it('takes the title and metadata fields of the form', async () => {
      const { postForm, documents } = setup();

      const result = await postForm(
        fileForm('<h1>Hi</h1><p>there</p>', 'page.html', 'text/html', {
          title: 'Welcome page',
          metadata: '{"source":"web"}',
        }),
      );

      expect(result.statusCode).toBe(202);
      expect(await documents.get('tenant-a', result.json.id)).toMatchObject({
        title: 'Welcome page',
        contentType: 'text/html',
        metadata: { source: 'web' },
      });
    });

    it('shortens a file name over 300 characters to a title of 300 that keeps its start and end', async () => {
      const { postForm, documents } = setup();
      const longName = `${'a'.repeat(5_000)}.md`;

      const result = await postForm(fileForm('# Notes\n\nSome text.', longName, 'text/markdown'));

      expect(result.statusCode).toBe(202);
      const title = (await documents.get('tenant-a', result.json.id))?.title ?? '';
      expect(Array.from(title)).toHaveLength(300);
      expect(title).toMatch(/^a+…a+\.md #[0-9a-f]{16}$/);
    });

    it('makes two documents of two file names over 300 characters alike up to their ends', async () => {
      const { postForm } = setup();
      const stem = 'quarterly report '.repeat(20);

      const first = await postForm(fileForm('# One\n\nFirst.', `${stem}one.md`, 'text/markdown'));
      const second = await postForm(fileForm('# Two\n\nSecond.', `${stem}two.md`, 'text/markdown'));

      expect(first.statusCode).toBe(202);
      expect(second.statusCode).toBe(202);
      expect(second.json.id).not.toBe(first.json.id);
    });

    it('answers 400 for a title over 300 characters, as a form field or in JSON', async () => {
      const { postForm, postJson, blobs } = setup();
      const title = 't'.repeat(301);

      const form = await postForm(
        fileForm('# Notes\n\nHello.', 'notes.md', 'text/markdown', { title }),
      );
      const json = await postJson({ title, text: '# Notes\n\nHello.' });

      expect([form.statusCode, json.statusCode]).toEqual([400, 400]);
      expect(form.json.errors).toEqual([expect.objectContaining({ path: 'body.title' })]);
      expect(blobs.objects.size).toBe(0);
    });

    it.each(['constructor', '__proto__', 'prototype', 'toString'])(
      'answers 400 for the reserved metadata key %s and stores nothing',
      async (key) => {
        const { postForm, postJson, blobs, documents } = setup();
        const metadata = `{"${key}": "x"}`;

        const json = await postJson(
          JSON.parse(`{"title": "Guide", "text": "# Guide\\n\\nHello.", "metadata": ${metadata}}`),
        );
        const form = await postForm(
          fileForm('# Guide\n\nHello.', 'guide.md', 'text/markdown', { metadata }),
        );

        expect([json.statusCode, form.statusCode]).toEqual([400, 400]);
        // (Middy's JSON parser already refuses a `__proto__` key as malformed JSON.)
        expect(form.json.errors[0].message).toBe(`${key} is a reserved name`);
        expect(blobs.objects.size).toBe(0);
        expect((await documents.list('tenant-a', { limit: 10 })).items).toEqual([]);
      },
    );

    it.each([
      ['an unsafe integer', 2 ** 60],
      ['a number past 1e125', 1.5e300],
      ['a number below 1e-130', 1e-200],
    ])('answers 400 for %s as a metadata value and stores nothing', async (_, value) => {
      const { postJson, blobs, queue } = setup();

      const refused = await postJson({
        title: 'Guide',
        text: '# Guide\n\nHello.',
        metadata: { n: value },
      });
      const retry = await postJson({ title: 'Guide', text: '# Guide\n\nHello.' });

      expect(refused.statusCode).toBe(400);
      expect(refused.json.errors).toEqual([
        { path: 'body.metadata.n', message: expect.stringContaining('1e-130') },
      ]);
      expect(retry.json.version).toBe(1);
      expect(blobs.keys()).toEqual([`tenants/tenant-a/documents/${retry.json.id}/v1`]);
      expect(queue.jobs).toHaveLength(1);
    });

    it('answers 400 for a form metadata number that cannot be stored', async () => {
      const { postForm, blobs } = setup();

      const result = await postForm(
        fileForm('# Guide\n\nHello.', 'guide.md', 'text/markdown', {
          metadata: '{"n": 1152921504606846976}',
        }),
      );

      expect(result.statusCode).toBe(400);
      expect(result.json.errors).toEqual([expect.objectContaining({ path: 'body.metadata.n' })]);
      expect(blobs.keys()).toEqual([]);
    });

    it('answers 400 for form metadata that names a key twice, as for a JSON body, and stores nothing', async () => {
      const { postForm, blobs, queue } = setup();

      const result = await postForm(
        fileForm('# Guide\n\nHello.', 'guide.md', 'text/markdown', {
          metadata: '{"team": "a", "team": "b"}',
        }),
      );

      expect(result.statusCode).toBe(400);
      expect(result.json.errors).toEqual([
        { path: 'body.metadata', message: 'Names the key "team" twice' },
      ]);
      expect(blobs.keys()).toEqual([]);
      expect(queue.jobs).toEqual([]);
    });

    it('answers 400 for form metadata holding a lone surrogate, as for a JSON body, and stores nothing', async () => {
      const { postForm, blobs, queue } = setup();

      const result = await postForm(
        fileForm('# Guide\n\nHello.', 'guide.md', 'text/markdown', {
          metadata: '{"team": "\\ud800"}',
        }),
      );

      expect(result.statusCode).toBe(400);
      expect(result.json.errors).toEqual([
        { path: 'body.metadata', message: expect.stringContaining('lone surrogate') },
      ]);
      expect(blobs.keys()).toEqual([]);
      expect(queue.jobs).toEqual([]);
    });

    it('recognises a Markdown file sent as application/octet-stream by its extension', async () => {
      const { postForm } = setup();

      const result = await postForm(
        fileForm('# Hi\n\nHello.', 'readme.markdown', 'application/octet-stream'),
      );

      expect(result.statusCode).toBe(202);
    });

    it('accepts a PDF upload, titled by its file name, and queues it', async () => {
      const { postForm, documents, queue } = setup();

      const result = await postForm(
        fileForm(new Uint8Array(makePdf([['Page one']])), 'guide.pdf', 'application/pdf'),
      );

      expect(result.statusCode).toBe(202);
      expect(await documents.get('tenant-a', result.json.id)).toMatchObject({
        title: 'guide.pdf',
        contentType: 'application/pdf',
      });
      expect(queue.jobs).toHaveLength(1);
    });

    it('answers 422 naming the reason for an encrypted PDF, storing nothing', async () => {
      const { postForm, queue, blobs } = setup();

      const result = await postForm(
        fileForm(
          new Uint8Array(makePdf([['Secret']], { encrypted: true })),
          'secret.pdf',
          'application/pdf',
        ),
      );

      expect(result.statusCode).toBe(422);
      expect(result.json).toMatchObject({
        type: 'urn:problem:pdf-encrypted',
        detail: expect.stringContaining('password'),
      });
      expect(queue.jobs).toEqual([]);
      expect(blobs.keys()).toEqual([]);
    });

    it('answers 415 for a file of another type', async () => {
      const { postForm, queue } = setup();

      const result = await postForm(
        fileForm(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]), 'a.doc', 'application/msword'),
      );

      expect(result.statusCode).toBe(415);
      expect(result.json.detail).toContain('text/plain, text/markdown, text/html, application/pdf');
      expect(queue.jobs).toEqual([]);
    });

    it('answers 413 for a file over the upload limit', async () => {
      const { postForm } = setup();

      const result = await postForm(
        fileForm('x'.repeat(MAX_UPLOAD_BYTES + 1), 'big.txt', 'text/plain'),
      );

      expect(result.statusCode).toBe(413);
      expect(result.json.detail).toContain(`${MAX_UPLOAD_BYTES} bytes`);
    });

    it('answers 400 for a form without a file, or with unknown fields', async () => {
      const { postForm } = setup();
      const form = new FormData();
      form.append('title', 'No file');
      form.append('colour', 'blue');

      const result = await postForm(form);

      expect(result.statusCode).toBe(400);
      expect(result.json.errors.map((error: { path: string }) => error.path)).toEqual(
        expect.arrayContaining(['body.file', 'body']),
      );
    });

    it('answers 400 for a form with two files, storing neither', async () => {
      const { postForm, blobs } = setup();
      const form = fileForm('# One', 'one.md', 'text/markdown');
      form.append('file', new Blob(['# Two'], { type: 'text/markdown' }), 'two.md');

      const result = await postForm(form);

      expect(result.statusCode).toBe(400);
      expect(result.json).toMatchObject({
        type: 'urn:problem:malformed-multipart',
        detail: expect.stringContaining('more than 1 file'),
      });
      expect(blobs.keys()).toEqual([]);
    });

    it('answers 400 for a form that repeats a field, storing nothing', async () => {
      const { postForm, blobs } = setup();
      const form = fileForm('# One', 'one.md', 'text/markdown', { title: 'First title' });
      form.append('title', 'Second title');

      const result = await postForm(form);

      expect(result.statusCode).toBe(400);
      expect(result.json).toMatchObject({
        type: 'urn:problem:malformed-multipart',
        detail: expect.stringContaining('title'),
      });
      expect(blobs.keys()).toEqual([]);
    });

    it('answers 400 for a malformed multipart body', async () => {
      const { call } = setup();

      const result = await call({
        method: 'POST',
        url: '/v1/documents',
        routeKey: 'POST /v1/documents',
        headers: { 'content-type': 'multipart/form-data' },
        body: Buffer.from('garbage'),
      });

      expect(result.statusCode).toBe(400);
    });

    it('answers 401 without an API key', async () => {
      const { call } = setup();

      const result = await call({
        method: 'POST',
        url: '/v1/documents',
        routeKey: 'POST /v1/documents',
        headers: { authorization: '', 'content-type': 'application/json' },
        body: '{}',
      });

      expect(result.statusCode).toBe(401);
    });
  });

  describe('POST /v1/uploads', () => {
    it('tells caches not to store the reply, whose URL is a credential', async () => {
      const { postUpload } = setup();

      const reply = await postUpload({
        fileName: 'handbook.md',
        contentType: 'text/markdown',
        contentLength: 12_000,
      });

      expect(reply.headers?.['cache-control']).toBe('no-store');
    });

    it('answers 201 with the document awaiting its upload and the signed PUT', async () => {
      const { postUpload, getOne, signer } = setup();

      const reply = await postUpload({
        fileName: 'handbook.md',
        contentType: 'application/octet-stream',
        contentLength: 12_000,
      });

      expect(reply.statusCode).toBe(201);
      expect(reply.headers?.location).toBe(`/v1/documents/${reply.json.id}`);
      expect(reply.json).toMatchObject({
        status: 'awaiting-upload',
        version: 1,
        upload: {
          method: 'PUT',
          headers: { 'content-type': 'text/markdown', 'content-length': '12000' },
        },
      });
      expect(signer.grants[0]?.key).toBe(`tenants/tenant-a/uploads/${reply.json.id}/v1`);
      expect((await getOne(reply.json.id)).json).toMatchObject({
        title: 'handbook.md',
        status: 'awaiting-upload',
        sizeBytes: 12_000,
      });
    });

    it.each([
      ['no title nor file name', { contentType: 'text/plain', contentLength: 10 }, 400],
      ['a length of 0', { title: 'A', contentType: 'text/plain', contentLength: 0 }, 400],
      ['an unknown field', { title: 'A', contentType: 'text/plain', contentLength: 1, x: 1 }, 400],
      [
        'an unsupported type',
        { fileName: 'a.exe', contentType: 'application/x-exe', contentLength: 10 },
        415,
      ],
      [
        'a metadata number that cannot be stored',
        { title: 'A', contentType: 'text/plain', contentLength: 1, metadata: { n: 2 ** 60 } },
        400,
      ],
      [
        'a file over the limit',
        { title: 'A', contentType: 'text/plain', contentLength: 1_000_001 },
        413,
      ],
    ])('refuses %s with a problem and records nothing', async (_, body, status) => {
      const { postUpload, list, signer } = setup();

      const reply = await postUpload(body);

      expect(reply.statusCode).toBe(status);
      expect(reply.headers?.['content-type']).toBe('application/problem+json');
      expect((await list()).json.items).toEqual([]);
      expect(signer.grants).toEqual([]);
    });
  });

  describe('GET /v1/documents/{id}', () => {
    it('shows status, chunk count, version, title and timestamps, and no storage details', async () => {
      const { postJson, getOne, queue, indexDocument } = setup();
      const { json: accepted } = await postJson({ title: 'Guide', text: sectionedMarkdown(3) });
      await indexDocument.execute(queue.jobs[0]!);

      const result = await getOne(accepted.id);

      expect(result.statusCode).toBe(200);
      expect(result.json).toEqual({
        id: accepted.id,
        title: 'Guide',
        status: 'ready',
        version: 1,
        contentType: 'text/markdown',
        sizeBytes: expect.any(Number),
        chunkCount: 3,
        attempts: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it('answers 400 for an id that is not a document id, 404 for an unknown one', async () => {
      const { getOne } = setup();

      const bad = await getOne('not-a-uuid');
      const unknown = await getOne('0b4e6a52-3c1d-4e8f-9a7b-2d5c8e1f0a36');

      expect(bad.statusCode).toBe(400);
      expect(bad.json.errors[0].path).toBe('path.id');
      expect(unknown.statusCode).toBe(404);
    });
  });

  describe('GET /v1/documents', () => {
    it('pages newest first with an opaque cursor', async () => {
      const { postJson, list, clock } = setup();
      for (const title of ['A', 'B', 'C']) {
        clock.advance(1_000);
        await postJson({ title, text: `text ${title}` });
      }

      const first = await list('?limit=2');
      const second = await list(`?limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`);

      expect(first.json.items.map((d: { title: string }) => d.title)).toEqual(['C', 'B']);
      expect(second.json.items.map((d: { title: string }) => d.title)).toEqual(['A']);
      expect(second.json.nextCursor).toBeUndefined();
    });

    it('answers 400 for a bad limit or cursor', async () => {
      const { list } = setup();

      expect((await list('?limit=0')).statusCode).toBe(400);
      expect((await list('?cursor=forged')).statusCode).toBe(400);
    });

    it('answers 400 naming the whole number it takes for a hexadecimal limit', async () => {
      const { list } = setup();

      const response = await list('?limit=0x10');

      expect(response.statusCode).toBe(400);
      expect(response.json.errors).toEqual([
        { path: 'query.limit', message: 'Use a whole number from 1 to 100' },
      ]);
    });
  });

  describe('DELETE /v1/documents/{id}', () => {
    it('answers 204 and removes the uploads, the record and every chunk', async () => {
      const { postJson, remove, getOne, queue, indexDocument, blobs, vectors } = setup();
      const { json: accepted } = await postJson({ title: 'Guide', text: sectionedMarkdown(3) });
      await indexDocument.execute(queue.jobs[0]!);

      const result = await remove(accepted.id);

      expect(result.statusCode).toBe(204);
      expect(result.body).toBeUndefined();
      expect(blobs.keys()).toEqual([]);
      expect(await vectors.count('tenant-a', accepted.id)).toBe(0);
      expect((await getOne(accepted.id)).statusCode).toBe(404);
    });
  });

  describe('GET /v1/documents/{id}/chunks', () => {
    it("lists the indexed document's chunks in order, with their text", async () => {
      const { postJson, chunks, queue, indexDocument } = setup();
      const { json: accepted } = await postJson({ title: 'Guide', text: sectionedMarkdown(3) });
      await indexDocument.execute(queue.jobs[0]!);

      const result = await chunks(accepted.id);

      expect(result.statusCode).toBe(200);
      expect(result.json.documentId).toBe(accepted.id);
      expect(result.json.items.map((chunk: { chunkIndex: number }) => chunk.chunkIndex)).toEqual([
        0, 1, 2,
      ]);
      expect(result.json.items[1].text).toContain('topic number 1');
      expect(result.json.nextOffset).toBeUndefined();
    });

    it('pages with offset and limit, naming the next offset while there are more', async () => {
      const { postJson, chunks, queue, indexDocument } = setup();
      const { json: accepted } = await postJson({ title: 'Guide', text: sectionedMarkdown(3) });
      await indexDocument.execute(queue.jobs[0]!);

      const first = await chunks(accepted.id, '?limit=2');
      const second = await chunks(accepted.id, `?offset=${first.json.nextOffset}&limit=2`);

      expect(first.json.items).toHaveLength(2);
      expect(first.json.nextOffset).toBe(2);
      expect(second.json.items.map((chunk: { chunkIndex: number }) => chunk.chunkIndex)).toEqual([
        2,
      ]);
      expect(second.json.nextOffset).toBeUndefined();
    });

    it('lists no chunk of a document being deleted, whose chunks the vector store still holds', async () => {
      const { postJson, chunks, getOne, queue, indexDocument, documents, vectors, clock } = setup();
      const { json: accepted } = await postJson({ title: 'Guide', text: sectionedMarkdown(3) });
      await indexDocument.execute(queue.jobs[0]!);
      await documents.markDeleting('tenant-a', accepted.id, clock.now().toISOString());

      const result = await chunks(accepted.id);

      expect(await vectors.count('tenant-a', accepted.id)).toBe(3);
      expect((await getOne(accepted.id)).json.status).toBe('deleting');
      expect(result.statusCode).toBe(200);
      expect(result.json).toEqual({ documentId: accepted.id, items: [] });
    });

    it('shows no chunk count for a document being deleted, as its listing shows no chunk', async () => {
      const { postJson, getOne, queue, indexDocument, documents, clock } = setup();
      const { json: accepted } = await postJson({ title: 'Guide', text: sectionedMarkdown(3) });
      await indexDocument.execute(queue.jobs[0]!);
      const before = (await getOne(accepted.id)).json;
      await documents.markDeleting('tenant-a', accepted.id, clock.now().toISOString());

      const after = (await getOne(accepted.id)).json;

      expect(before.chunkCount).toBe(3);
      expect(after.status).toBe('deleting');
      expect(after).not.toHaveProperty('chunkCount');
    });

    it('answers 400 for a limit over 100 and 404 for an unknown document', async () => {
      const { chunks } = setup();

      expect((await chunks('0f8e4c7a-3b2d-4e1f-9a6b-5c4d3e2f1a0b', '?limit=101')).statusCode).toBe(
        400,
      );
      expect((await chunks('0f8e4c7a-3b2d-4e1f-9a6b-5c4d3e2f1a0b')).statusCode).toBe(404);
    });
  });

  describe('tenant isolation', () => {
    it("gives tenant B a 404 for tenant A's document on every route, and never lists it", async () => {
      const { postJson, getOne, list, remove, chunks, queue, indexDocument, vectors } = setup();
      const { json: accepted } = await postJson(
        { title: 'Secret', text: sectionedMarkdown(2) },
        'key-a',
      );
      await indexDocument.execute(queue.jobs[0]!);
      await postJson({ title: 'Mine', text: 'b text' }, 'key-b');

      const read = await getOne(accepted.id, 'key-b');
      const chunksRead = await chunks(accepted.id, '', 'key-b');
      const removed = await remove(accepted.id, 'key-b');
      const listed = await list('', 'key-b');

      expect(read.statusCode).toBe(404);
      expect(chunksRead.statusCode).toBe(404);
      expect(removed.statusCode).toBe(404);
      expect(listed.json.items.map((d: { title: string }) => d.title)).toEqual(['Mine']);
      expect((await getOne(accepted.id, 'key-a')).statusCode).toBe(200);
      expect(await vectors.count('tenant-a', accepted.id)).toBe(2);
    });

    it('keeps the same title of two tenants as two documents', async () => {
      const { postJson } = setup();

      const a = await postJson({ title: 'Guide', text: 'a' }, 'key-a');
      const b = await postJson({ title: 'Guide', text: 'b' }, 'key-b');

      expect(b.json.id).not.toBe(a.json.id);
      expect(b.json.version).toBe(1);
    });
  });

  describe('time budget', () => {
    it('answers 504 within the budget when storage hangs, publishing nothing', async () => {
      const fixture = ingestionFixture();
      const hangingBlobs = {
        put: () => new Promise<void>(() => {}),
        get: fixture.blobs.get.bind(fixture.blobs),
        exists: fixture.blobs.exists.bind(fixture.blobs),
        size: fixture.blobs.size.bind(fixture.blobs),
        delete: fixture.blobs.delete.bind(fixture.blobs),
        deletePrefix: fixture.blobs.deletePrefix.bind(fixture.blobs),
      };
      const handler = createHandler({
        http: testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 }),
        documents: fixture.documents,
        uploadDocument: new UploadDocument({
          documents: fixture.documents,
          blobs: hangingBlobs,
          queue: fixture.queue,
          clock: fixture.clock,
          maxBytes: MAX_UPLOAD_BYTES,
          readers: testReaders,
        }),
        requestUpload: fixture.requestUpload,
        deleteDocument: fixture.deleteDocument,
        chunks: fixture.vectors,
        maxUploadBytes: MAX_UPLOAD_BYTES,
        budgetMarginMs: 1_000,
      });
      const started = performance.now();

      const result = await handler(
        apiGatewayEvent({
          method: 'POST',
          url: '/v1/documents',
          routeKey: 'POST /v1/documents',
          headers: { authorization: 'Bearer key-a', 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'Guide', text: 'Some text.' }),
        }),
        lambdaContext({ timeoutMs: 1_300 }),
      );

      expect(result.statusCode).toBe(504);
      expect(JSON.parse(result.body!)).toMatchObject({ type: 'urn:problem:time-budget' });
      expect(performance.now() - started).toBeLessThan(1_300);
      expect((await fixture.documents.list('tenant-a', { limit: 10 })).items).toEqual([]);
      expect(fixture.queue.jobs).toEqual([]);
    });
  });
});
