import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { client } from '../support/local-stack-client.js';
import { makePdf } from '../support/pdf-fixture.js';

const LIMIT = 4_096;
const TEXT =
  '# Handbook\n\nThe escalation desk answers within four hours on weekdays. ' +
  'Refunds above 500 euros need a second approval from the finance team.';

interface DocumentView {
  id: string;
  title: string;
  status: string;
  version: number;
  error?: string;
}

describe('ingestion without the API body: presigned uploads and drop folders', () => {
  let stack: LocalStack;
  let dataDir: string;
  let otherKey: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'direct-ingestion-'));
    stack = await startLocalStack({
      port: 0,
      streamPort: 0,
      dataDir,
      logLevel: 'SILENT',
      env: { MAX_PRESIGNED_UPLOAD_BYTES: String(LIMIT), INBOX_RESCAN_MS: '200' },
    });
    otherKey = await stack.issueApiKey('other');
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = (key?: string) => client(stack, key ?? stack.apiKey);
  const blobFile = (key: string) => join(dataDir, 'blobs', `${key}.blob`);
  const listed = async (key?: string) =>
    ((await api(key).json('GET', '/v1/documents?limit=100')).body as { items: DocumentView[] })
      .items;

  /** Waits until the titled document satisfies `done` (or is gone, for `undefined`). */
  const waitForTitle = async (
    title: string,
    done: (document: DocumentView | undefined) => boolean,
    timeoutMs = 15_000,
  ): Promise<DocumentView | undefined> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const document = (await listed()).find((item) => item.title === title);
      if (done(document)) return document;
      if (Date.now() > deadline) throw new Error(`${title}: ${JSON.stringify(document)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  describe('POST /v1/uploads and the presigned PUT', () => {
    const requestUrl = async (fileName: string, body: string, key?: string) => {
      const reply = await api(key).json('POST', '/v1/uploads', {
        fileName,
        contentType: 'text/markdown',
        contentLength: Buffer.byteLength(body),
      });
      expect(reply.status, reply.text).toBe(201);
      return reply.body as {
        id: string;
        upload: { url: string; method: string; headers: Record<string, string> };
      };
    };

    it('indexes the file PUT to the URL, as the same document record', async () => {
      const { id, upload } = await requestUrl('handbook.md', TEXT);
      const before = (await api().json('GET', `/v1/documents/${id}`)).body;

      const put = await fetch(upload.url, {
        method: upload.method,
        headers: upload.headers,
        body: TEXT,
      });

      expect(before).toMatchObject({ status: 'awaiting-upload', title: 'handbook.md' });
      expect(put.status).toBe(200);
      expect(await api().waitForDocument(id)).toMatchObject({ status: 'ready', version: 1 });
      const chunks = await api().json('GET', `/v1/documents/${id}/chunks`);
      expect(JSON.stringify(chunks.body)).toContain('escalation desk');
    });

    it('refuses a second PUT with the same URL (412), the document keeping the first file', async () => {
      const { id, upload } = await requestUrl('single-use.md', TEXT);
      const replacement = TEXT.replace('four hours', 'nine hours');
      const send = (body: string) =>
        fetch(upload.url, { method: upload.method, headers: upload.headers, body });
      await send(TEXT);

      const second = await send(replacement);

      expect(second.status).toBe(412);
      expect(await second.text()).toContain('PreconditionFailed');
      expect(await api().waitForDocument(id)).toMatchObject({ status: 'ready', version: 1 });
      const chunks = JSON.stringify((await api().json('GET', `/v1/documents/${id}/chunks`)).body);
      expect(chunks).toContain('four hours');
      expect(chunks).not.toContain('nine hours');
      expect(readFileSync(blobFile(`tenants/local/uploads/${id}/v1`), 'utf8')).toBe(TEXT);
    });

    it('answers a retried PUT whose first answer was lost with 412, and the version still becomes ready', async () => {
      const { id, upload } = await requestUrl('retried.md', TEXT);
      const send = () =>
        fetch(upload.url, { method: upload.method, headers: upload.headers, body: TEXT });
      await send();

      const retry = await send();

      expect(retry.status).toBe(412);
      expect(await api().waitForDocument(id)).toMatchObject({ status: 'ready', version: 1 });
    });

    it("cannot write under another tenant's prefix: the moved key is a 403 and nothing is stored", async () => {
      const { upload } = await requestUrl('mine.md', TEXT);
      const { id: theirs } = await requestUrl('theirs.md', TEXT, otherKey);
      const tampered = upload.url.replace(
        /\/tenants\/local\/uploads\/[^/]+\//,
        `/tenants/other/uploads/${theirs}/`,
      );

      const put = await fetch(tampered, { method: 'PUT', headers: upload.headers, body: TEXT });

      expect(put.status).toBe(403);
      expect(await put.text()).toContain('SignatureDoesNotMatch');
      expect(existsSync(blobFile(`tenants/other/uploads/${theirs}/v1`))).toBe(false);
      expect((await api(otherKey).json('GET', `/v1/documents/${theirs}`)).body).toMatchObject({
        status: 'awaiting-upload',
      });
    });

    it('refuses a PUT of another length than signed, leaving the document waiting', async () => {
      const { id, upload } = await requestUrl('short.md', TEXT);

      const put = await fetch(upload.url, {
        method: 'PUT',
        headers: { 'content-type': 'text/markdown' },
        body: `${TEXT} And more.`,
      });

      expect(put.status).toBe(403);
      expect(existsSync(blobFile(`tenants/local/uploads/${id}/v1`))).toBe(false);
      expect((await api().json('GET', `/v1/documents/${id}`)).body).toMatchObject({
        status: 'awaiting-upload',
      });
    });

    it.each([
      [
        'a file over MAX_PRESIGNED_UPLOAD_BYTES',
        { fileName: 'big.md', contentType: 'text/markdown', contentLength: LIMIT + 1 },
        413,
      ],
      [
        'an unsupported type',
        { fileName: 'tool.exe', contentType: 'application/x-msdownload', contentLength: 10 },
        415,
      ],
      ['no length', { fileName: 'a.md', contentType: 'text/markdown' }, 400],
    ])('answers %s with a problem and records nothing', async (_, body, status) => {
      const before = await listed();

      const reply = await api().json('POST', '/v1/uploads', body);

      expect(reply.status).toBe(status);
      expect(reply.headers.get('content-type')).toBe('application/problem+json');
      expect(await listed()).toEqual(before);
    });

    it('indexes a PDF PUT to the URL, its chunks keeping their pages', async () => {
      const pdf = makePdf([
        ['Page one is about onboarding.'],
        ['Page two: refunds need approval.'],
      ]);
      const reply = await api().json('POST', '/v1/uploads', {
        fileName: 'guide.pdf',
        contentType: 'application/pdf',
        contentLength: pdf.length,
      });
      const { id, upload } = reply.body as {
        id: string;
        upload: { url: string; headers: Record<string, string> };
      };

      const put = await fetch(upload.url, {
        method: 'PUT',
        headers: upload.headers,
        body: new Uint8Array(pdf),
      });

      expect(reply.status, reply.text).toBe(201);
      expect(put.status).toBe(200);
      expect(await api().waitForDocument(id)).toMatchObject({ status: 'ready' });
      const chunks = await api().json('GET', `/v1/documents/${id}/chunks`);
      expect(JSON.stringify(chunks.body)).toContain('refunds need approval');
    });

    it('deleting the document removes its uploaded file', async () => {
      const { id, upload } = await requestUrl('to-delete.md', TEXT);
      await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: TEXT });
      await api().waitForDocument(id);

      const deleted = await api().json('DELETE', `/v1/documents/${id}`);

      expect(deleted.status).toBe(204);
      expect(existsSync(blobFile(`tenants/local/uploads/${id}/v1`))).toBe(false);
    });
  });

  describe('the drop folder DATA_DIR/inbox/<tenant>/', () => {
    const write = (path: string, text: string) => {
      const file = join(stack.inboxDir, 'local', path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    };

    it('ingests a new file as the document titled by its path', async () => {
      write('guides/setup.md', TEXT);

      const document = await waitForTitle('guides/setup.md', (d) => d?.status === 'ready');

      expect(document).toMatchObject({ status: 'ready', version: 1 });
    });

    it('makes a new version when the file is overwritten', async () => {
      write('notes.md', TEXT);
      const first = await waitForTitle('notes.md', (d) => d?.status === 'ready');
      await new Promise((resolve) => setTimeout(resolve, 20)); // a new modification time

      write('notes.md', `${TEXT}\n\nOn-call rotates every Monday.`);
      const second = await waitForTitle(
        'notes.md',
        (d) => d?.version === 2 && d.status === 'ready',
      );

      expect(second?.id).toBe(first?.id);
      const chunks = await api().json('GET', `/v1/documents/${second?.id}/chunks`);
      expect(JSON.stringify(chunks.body)).toContain('On-call rotates');
    });

    it('ingests a PDF dropped in the folder', async () => {
      const file = join(stack.inboxDir, 'local', 'manuals', 'guide.pdf');
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, makePdf([['The drop folder takes PDF manuals too.']]));

      const document = await waitForTitle('manuals/guide.pdf', (d) => d?.status === 'ready');

      expect(document).toMatchObject({ status: 'ready', version: 1 });
    });

    it('deletes the document when the file is removed', async () => {
      const file = write('old.md', TEXT);
      const document = await waitForTitle('old.md', (d) => d?.status === 'ready');

      rmSync(file);
      await waitForTitle('old.md', (d) => d === undefined);

      expect((await api().json('GET', `/v1/documents/${document?.id}`)).status).toBe(404);
    });

    it('records a file over the limit failed with the reason, and removes the copy', async () => {
      write('huge.md', 'x '.repeat(LIMIT));

      const document = await waitForTitle('huge.md', (d) => d?.status === 'failed');

      expect(document?.error).toContain('MAX_PRESIGNED_UPLOAD_BYTES');
      // The failure is recorded first, then the copy removed: the status can be read between.
      await vi.waitFor(() =>
        expect(existsSync(blobFile('tenants/local/inbox/huge.md'))).toBe(false),
      );
    });
  });
});
