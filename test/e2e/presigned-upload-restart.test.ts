import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '../../dev/local-stack.js';
import { freePort } from '../support/free-port.js';
import { client } from '../support/local-stack-client.js';

describe('a presigned upload URL of the local stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'presigned-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('still takes its file after the stack restarts, as S3 would within its validity', async () => {
    const blobPort = await freePort();
    const options = { port: 0, streamPort: 0, blobPort, dataDir, logLevel: 'SILENT' as const };
    const body = '# Handbook\n\nThe desk answers within four hours.';
    const first = await startLocalStack(options);
    const reply = await client(first, first.apiKey).json('POST', '/v1/uploads', {
      fileName: 'handbook.md',
      contentType: 'text/markdown',
      contentLength: Buffer.byteLength(body),
    });
    const { upload } = reply.body as {
      upload: { url: string; method: string; headers: Record<string, string> };
    };
    await first.close();
    const second = await startLocalStack(options);

    try {
      const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body });

      expect(put.status).toBe(200);
    } finally {
      await second.close();
    }
  });
});
