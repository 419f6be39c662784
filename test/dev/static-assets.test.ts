import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStaticAssets } from '../../dev/static-assets.js';

const serveAssets = serveStaticAssets({
  config: { streamUrl: 'http://127.0.0.1:4001', apiKey: 'sk-rag-test' },
});

describe('serveStaticAssets', () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (!serveAssets(request, response)) response.writeHead(599).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    '/playground/missing.js',
    '/playground/..%2F..%2Fpackage.json',
    '/docs/assets/missing.css',
  ])('answers a missing file (%s) with a 404 problem, as the API does', async (path) => {
    const reply = await fetch(`${origin}${path}`);

    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(await reply.json()).toMatchObject({ status: 404, title: 'Not Found', instance: path });
  });

  it('serves a file of the playground', async () => {
    const reply = await fetch(`${origin}/playground/favicon.svg`);

    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('image/svg+xml');
  });
});
