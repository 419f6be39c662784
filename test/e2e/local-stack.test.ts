import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { client, streamParts } from '../support/local-stack-client.js';

const run = promisify(execFile);
const SHARED_TUTORIAL = join(import.meta.dirname, '../../../shared/corpus/fastapi-docs/tutorial');

/** The shared FastAPI tutorial when it is there, else a small corpus with the same kind of pages. */
const tutorialCorpus = (dir: string): string => {
  if (existsSync(SHARED_TUTORIAL)) return SHARED_TUTORIAL;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'path-params.md'),
    '# Path Parameters\n\nYou can declare path parameters with the same syntax used by Python format strings:\n\n```python\n@app.get("/items/{item_id}")\n```\n\nThe value of the path parameter `item_id` is passed to your function as the argument `item_id`.\n',
  );
  writeFileSync(
    join(dir, 'query-params.md'),
    '# Query Parameters\n\nFunction parameters that are not part of the path are interpreted as query parameters.\n',
  );
  writeFileSync(
    join(dir, 'body.md'),
    '# Request Body\n\nTo declare a request body, you use Pydantic models.\n',
  );
  return dir;
};

describe('the local stack (npm run dev)', () => {
  let stack: LocalStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-stack-'));
    stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'SILENT' });
  });
  afterAll(async () => {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the README session: upload, status, buffered chat, streamed chat', async () => {
    const api = client(stack, stack.apiKey);

    const upload = await api.json('POST', '/v1/documents', {
      title: 'Path parameters',
      text: '# Path Parameters\n\nDeclare path parameters with braces: /items/{item_id}.',
    });
    const document = await api.waitForDocument((upload.body as { id: string }).id);
    const chat = await api.json('POST', '/v1/chat', {
      message: 'How do I declare path parameters?',
    });
    const streamed = await api.stream({ message: 'How do I declare path parameters?' });

    expect(upload.status).toBe(202);
    expect(upload.headers.get('location')).toBe(
      `/v1/documents/${(upload.body as { id: string }).id}`,
    );
    expect(document.status).toBe('ready');
    expect(chat.status).toBe(200);
    expect(
      (chat.body as { message: { model: string; sources: { title: string }[] } }).message,
    ).toMatchObject({
      model: 'offline',
      sources: [{ title: 'Path parameters' }],
    });
    expect(streamed.headers.get('content-type')).toBe('text/event-stream');
    expect(
      streamParts(streamed.text).filter((part) => part.type === 'text-delta').length,
    ).toBeGreaterThan(3);
  });

  it('serves the interactive docs with their assets, offline', async () => {
    const page = await fetch(`${stack.apiUrl}/docs`);
    const html = await page.text();
    const bundle = await fetch(`${stack.apiUrl}/docs/assets/swagger-ui-bundle.js`);

    expect(page.status).toBe(200);
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
  });

  it('serves Swagger UI files that match the integrity hashes the docs page pins', async () => {
    const html = await (await fetch(`${stack.apiUrl}/docs`)).text();
    const pinned = [...html.matchAll(/(?:src|href)="([^"]+)" integrity="sha384-([^"]+)"/g)];

    const served = await Promise.all(
      pinned.map(async ([, path]) =>
        createHash('sha384')
          .update(Buffer.from(await (await fetch(`${stack.apiUrl}${path}`)).arrayBuffer()))
          .digest('base64'),
      ),
    );

    expect(pinned).toHaveLength(2);
    expect(served).toEqual(pinned.map(([, , hash]) => hash));
  });

  it('ingests the FastAPI tutorial with `npm run ingest`, then cites the path parameters page', async () => {
    const corpus = tutorialCorpus(join(dataDir, 'corpus'));
    // A tenant of its own, so the documents other tests upload do not compete for the answer.
    const key = await stack.issueApiKey('ingest-tenant');

    const ingest = await run(process.execPath, ['--import', 'tsx', 'scripts/ingest.ts', corpus], {
      env: { ...process.env, API_URL: stack.apiUrl, API_KEY: key },
      timeout: 120_000,
    });
    const answer = await client(stack, key).stream({ message: 'How do path parameters work?' });

    expect(ingest.stdout).toMatch(/ready, 0 failed/);
    const titles = streamParts(answer.text)
      .filter((part) => part.type === 'source-document')
      .map((part) => part.title);
    expect(titles[0]).toBe('path-params.md');
  });

  it('keeps documents, sessions and the index across a restart', async () => {
    const api = client(stack, stack.apiKey);
    const upload = await api.json('POST', '/v1/documents', {
      title: 'Restart notes',
      text: 'The zebra crossing opens at dawn.',
    });
    await api.waitForDocument((upload.body as { id: string }).id);
    const chat = await api.json('POST', '/v1/chat', {
      message: 'When does the zebra crossing open?',
    });
    const sessionId = (chat.body as { sessionId: string }).sessionId;

    await stack.close();
    stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'SILENT' });
    const again = client(stack, stack.apiKey);
    const session = await again.json('GET', `/v1/sessions/${sessionId}`);
    const answer = await again.json('POST', '/v1/chat', {
      message: 'When does the zebra crossing open?',
    });

    expect(session.status).toBe(200);
    expect(JSON.stringify(answer.body)).toContain('Restart notes');
  });
});
