import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { ROUTES, routeKey } from '../../lambdas/http/routes.js';

const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'some-id');

describe('route authentication (every route the stack declares)', () => {
  let stack: LocalStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'routes-'));
    stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'SILENT' });
  });
  afterAll(async () => {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('declares every /v1/ route as authenticated', () => {
    const open = ROUTES.filter((route) => route.path.startsWith('/v1/') && route.public);

    expect(open.map(routeKey)).toEqual([]);
  });

  it.each(
    ROUTES.filter((route) => !route.public).map((route) => [routeKey(route), route] as const),
  )('%s answers 401 problem+json with a Bearer challenge without a key', async (_, route) => {
    const response = await fetch(`${stack.apiUrl}${concrete(route.path)}`, {
      method: route.method,
      headers: { 'content-type': 'application/json' },
      ...(route.method === 'POST' ? { body: '{}' } : {}),
    });

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it.each(
    ROUTES.filter((route) => !route.public).map((route) => [routeKey(route), route] as const),
  )('%s answers 401 to a key that does not exist', async (_, route) => {
    const response = await fetch(`${stack.apiUrl}${concrete(route.path)}`, {
      method: route.method,
      headers: {
        authorization: `Bearer sk-rag-${'x'.repeat(43)}`,
        'content-type': 'application/json',
      },
      ...(route.method === 'POST' ? { body: '{}' } : {}),
    });

    expect(response.status).toBe(401);
  });

  it('answers 401 on the streaming endpoint without a key', async () => {
    const response = await fetch(stack.streamUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hi' }),
    });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it.each(ROUTES.filter((route) => route.public).map((route) => [routeKey(route), route] as const))(
    '%s stays public',
    async (_, route) => {
      const response = await fetch(`${stack.apiUrl}${route.path}`, { method: route.method });

      expect(response.status).toBe(200);
    },
  );
});
