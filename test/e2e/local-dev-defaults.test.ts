import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEV_TOKEN_DELAY_MS } from '../../dev/local-defaults.js';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { client } from '../support/local-stack-client.js';

describe('the local stack as npm run dev starts it', () => {
  let stack: LocalStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dev-defaults-'));
    stack = await startLocalStack({
      port: 0,
      streamPort: 0,
      dataDir,
      logLevel: 'SILENT',
      offlineTokenDelayMs: DEFAULT_DEV_TOKEN_DELAY_MS,
    });
  });
  afterAll(async () => {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('checks the table, the model and the vector store with /health?deep=true', async () => {
    const response = await fetch(`${stack.apiUrl}/health?deep=true`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      checks: { dynamodb: { status: 'up' }, model: { status: 'up' }, vectors: { status: 'up' } },
    });
  });

  it('streams the offline answer word by word at a visible pace, not in one burst', async () => {
    const api = client(stack, stack.apiKey);
    const upload = await api.json('POST', '/v1/documents', {
      title: 'Path parameters',
      text: '# Path Parameters\n\nDeclare path parameters with braces, as in /items/{item_id}; the value is passed to your function.',
    });
    await api.waitForDocument((upload.body as { id: string }).id);

    const response = await fetch(stack.streamUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'How do I declare path parameters?' }),
    });
    const arrivals: number[] = [];
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) {
      if (decoder.decode(chunk as Uint8Array).includes('"text-delta"'))
        arrivals.push(performance.now());
    }

    expect(arrivals.length).toBeGreaterThan(3);
    // Each word waits at least the delay, so the deltas span at least that many delays.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(
      DEFAULT_DEV_TOKEN_DELAY_MS * (arrivals.length - 1) * 0.9,
    );
  });
});
