import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { client } from '../support/local-stack-client.js';

/**
 * The streaming function URL's resume and stop routes under a tenant's requests-per-minute
 * limit, on the local stack, counted exactly (no allowance blocks): a tenant held to two
 * requests a minute spends them on an upload and one answer.
 */
describe('the streaming routes under the requests-per-minute limit', () => {
  let stack: LocalStack;
  let dataDir: string;
  let key: string;
  const chatId = 'limited-chat';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stream-limits-'));
    stack = await startLocalStack({
      port: 0,
      streamPort: 0,
      dataDir,
      logLevel: 'SILENT',
      offlineTokenDelayMs: 100,
      env: {
        TENANT_REQUESTS_PER_MINUTE: '2',
        TENANT_ALLOWANCE_REQUESTS: '0',
        TENANT_ALLOWANCE_TOKENS: '0',
      },
    });
    key = await stack.issueApiKey('tenant-limited');
    const documents = client(stack, key);
    const upload = await documents.json('POST', '/v1/documents', {
      title: 'Guide',
      text: '# Guide\n\nPath parameters are declared with braces in the route path. '.repeat(20),
    });
    await documents.waitForDocument((upload.body as { id: string }).id);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts a resume as a request: past the limit it is a 429, not one more long follower', async () => {
    // Arrange: the minute's second request, an answer that streams for a while.
    const answer = await fetch(stack.streamUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: chatId, message: 'How are path parameters declared?' }),
    });
    expect(answer.status).toBe(200);
    const answered = answer.text();

    // Act
    const resumed = await fetch(`${stack.streamUrl}/${chatId}/stream`, {
      headers: { authorization: `Bearer ${key}` },
    });
    await resumed.text();
    await answered;

    // Assert
    expect(resumed.status).toBe(429);
    expect(resumed.headers.get('retry-after')).toMatch(/^\d+$/);
  }, 60_000);

  it('still accepts a stop past the limit, so an answer can always be stopped', async () => {
    const stopped = await fetch(`${stack.streamUrl}/${chatId}/stop`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
    });
    await stopped.text();

    expect(stopped.status).toBe(202);
  }, 30_000);
});
