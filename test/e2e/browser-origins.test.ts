import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCorsOrigins } from '../../dev/local-defaults.js';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';

const VITE = 'http://localhost:5173';

describe('a browser app on another origin calling the local stack', () => {
  let stack: LocalStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'browser-origins-'));
    stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'SILENT' });
  });
  afterAll(async () => {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const preflight = (origin: string, path = '/v1/documents') =>
    fetch(`${stack.apiUrl}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });

  it("answers a Vite app's preflight with 204 and the allowed methods and headers", async () => {
    const response = await preflight(VITE);

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(VITE);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('answers the preflight of an origin not allowed without allowing it', async () => {
    const response = await preflight('https://elsewhere.example');

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("lets an allowed origin read an upload's Location header", async () => {
    const response = await fetch(`${stack.apiUrl}/v1/documents`, {
      method: 'POST',
      headers: {
        origin: VITE,
        authorization: `Bearer ${stack.apiKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ title: 'CORS', text: 'Cross-origin requests need a preflight.' }),
    });

    expect(response.status).toBe(202);
    expect(response.headers.get('access-control-allow-origin')).toBe(VITE);
    expect(response.headers.get('access-control-expose-headers')).toContain('location');
  });

  it('allows the same origins on the stream URL', async () => {
    const response = await fetch(stack.streamUrl, {
      method: 'OPTIONS',
      headers: { origin: VITE, 'access-control-request-method': 'POST' },
    });

    expect(response.headers.get('access-control-allow-origin')).toBe(VITE);
  });
});

describe('localCorsOrigins', () => {
  it("allows the playground's origin and the Vite and Next.js dev servers by default", () => {
    expect(localCorsOrigins(4000, undefined)).toEqual(
      expect.arrayContaining([
        'http://127.0.0.1:4000',
        'http://localhost:4000',
        'http://localhost:5173',
        'http://localhost:3000',
      ]),
    );
  });

  it('replaces the dev servers with CORS_ORIGINS when it is set, keeping the playground', () => {
    expect(localCorsOrigins(4000, 'https://app.example.com/, http://localhost:8080')).toEqual([
      'http://127.0.0.1:4000',
      'http://localhost:4000',
      'https://app.example.com',
      'http://localhost:8080',
    ]);
  });
});
