import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';

const ORIGIN = 'http://localhost:3000';

describe('local stack: a body over the function limit, from an allowed browser origin', () => {
  let stack: LocalStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rag-test-413-'));
    stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'SILENT' });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const tooLarge = () => JSON.stringify({ message: 'x'.repeat(2_000_000) });

  it('is a 413 problem the page can read on the streaming URL (the CORS headers are there)', async () => {
    // Arrange, Act
    const response = await fetch(stack.streamUrl, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: tooLarge(),
    });

    // Assert
    expect(stack.corsOrigins).toContain(ORIGIN);
    expect(response.status).toBe(413);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  it('is a 413 problem the page can read on the HTTP API too (POST /v1/chat)', async () => {
    // Arrange, Act
    const response = await fetch(`${stack.apiUrl}/v1/chat`, {
      method: 'POST',
      headers: {
        origin: ORIGIN,
        authorization: `Bearer ${stack.apiKey}`,
        'content-type': 'application/json',
      },
      body: tooLarge(),
    });

    // Assert
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
