import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';

const LIMIT = 4_096;
const MESSAGE = `The document is larger than the upload limit of 4 KiB (${LIMIT} bytes, MAX_UPLOAD_BYTES)`;

describe('an upload over the limit', () => {
  let stack: LocalStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'upload-limit-'));
    stack = await startLocalStack({
      port: 0,
      streamPort: 0,
      dataDir,
      logLevel: 'SILENT',
      env: { MAX_UPLOAD_BYTES: String(LIMIT) },
    });
  });
  afterAll(async () => {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const upload = (body: BodyInit, contentType?: string) =>
    fetch(`${stack.apiUrl}/v1/documents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.apiKey}`,
        ...(contentType ? { 'content-type': contentType } : {}),
      },
      body,
    });

  const form = (bytes: number) => {
    const data = new FormData();
    data.set('file', new Blob(['x'.repeat(bytes)], { type: 'text/markdown' }), 'big.md');
    return data;
  };

  it.each([
    [
      'a JSON text just over the limit',
      () =>
        upload(JSON.stringify({ title: 'Big', text: 'x'.repeat(LIMIT + 1) }), 'application/json'),
    ],
    ['a file just over the limit', () => upload(form(LIMIT + 1))],
    ['a body far past what the function reads', () => upload(form(LIMIT * 40))],
  ])('gets the same 413 naming MAX_UPLOAD_BYTES: %s', async (_, send) => {
    const response = await send();

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ status: 413, detail: MESSAGE });
  });
});
