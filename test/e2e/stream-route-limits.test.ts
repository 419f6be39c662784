import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { client } from '../support/local-stack-client.js';

/**
 * The streaming function URL's resume and stop routes under a tenant's requests-per-minute
 * limit, on the local stack, counted exactly (no allowance blocks): a tenant held to two
 * requests a minute spends them on an upload and one answer; a stop of that answer is never
 * counted, a stop of a chat with nothing running is.
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
    // The limit counts in fixed minute windows: the spec's requests must all fall in one, so
    // it starts in the first 40 s of a minute (an upload late in one left the answer and the
    // resume a fresh window).
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000)
      await new Promise((resolve) => setTimeout(resolve, 60_100 - intoMinute));
    const documents = client(stack, key);
    const upload = await documents.json('POST', '/v1/documents', {
      title: 'Guide',
      text: '# Guide\n\nPath parameters are declared with braces in the route path. '.repeat(20),
    });
    await documents.waitForDocument((upload.body as { id: string }).id);
  }, 90_000);
  afterAll(async () => {
    await stack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // The minute's second request: an answer that streams for a while (100 ms a word), stopped
  // by the second test while it still streams.
  let answered: Promise<string>;

  it('counts a resume as a request: past the limit it is a 429, not one more long follower', async () => {
    // Arrange
    const answer = await fetch(stack.streamUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: chatId, message: 'How are path parameters declared?' }),
    });
    expect(answer.status).toBe(200);
    answered = answer.text();

    // Act
    const resumed = await fetch(`${stack.streamUrl}/${chatId}/stream`, {
      headers: { authorization: `Bearer ${key}` },
    });
    await resumed.text();

    // Assert
    expect(resumed.status).toBe(429);
    expect(resumed.headers.get('retry-after')).toMatch(/^\d+$/);
  }, 60_000);

  it('still accepts a stop of the streaming answer past the limit, so an answer can always be stopped', async () => {
    const stopped = await fetch(`${stack.streamUrl}/${chatId}/stop`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
    });
    await stopped.text();

    expect(stopped.status).toBe(202);
    expect(await answered).toContain('"finishReason":"interrupted"');
  }, 30_000);

  it('refuses past the limit a stop of a chat with no answer, which would write an item (429)', async () => {
    const stopped = await fetch(`${stack.streamUrl}/no-such-chat/stop`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
    });
    await stopped.text();

    expect(stopped.status).toBe(429);
    expect(stopped.headers.get('retry-after')).toMatch(/^\d+$/);
  }, 30_000);
});
