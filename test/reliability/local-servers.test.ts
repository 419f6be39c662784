/**
 * The local servers survive any client: bodies cut off mid-way, bodies far above the limit
 * (declared or streamed), foreign Host names, stalled headers and bodies, and resets, on both
 * the HTTP API port and the streaming port of a real local stack. A body above the limit is
 * refused with a 413 problem as soon as it passes the limit (the limit the function itself
 * enforces), without reading the rest; and after each abuse `GET /health` still answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { type RawSocket, rawSocket } from './support/raw-socket.js';

/** The functions' body limit in this stack (`MAX_BODY_BYTES`). */
const MAX_BODY_BYTES = 16_384;
/** The documents function's limit: room for a multipart upload of `MAX_UPLOAD_BYTES` (16 KiB). */
const DOCUMENTS_MAX_BODY_BYTES = 2 * 16_384 + 65_536;
/** How far past the limit a streamed body may get before the 413 reaches the client. */
const READ_MARGIN_BYTES = 64 * 1024;
const CLIENT_TIMEOUTS = { headersMs: 1_000, requestMs: 2_000 };

describe('the local servers under abusive clients', () => {
  let stack: LocalStack;
  let dataDir: string;
  const opened: RawSocket[] = [];

  const hostOf = (url: string) => new URL(url).host;
  const open = async (url: string) => {
    const socket = await rawSocket(url);
    opened.push(socket);
    return socket;
  };
  const ports = () => [
    { name: 'HTTP API', url: stack.apiUrl, path: '/v1/chat', limit: MAX_BODY_BYTES },
    { name: 'streaming', url: stack.streamUrl, path: '/', limit: MAX_BODY_BYTES },
  ];
  const health = async () => (await fetch(`${stack.apiUrl}/health`)).status;
  const head = (url: string, request: string, headers: Record<string, string | number>) =>
    `${request} HTTP/1.1\r\nHost: ${hostOf(url)}\r\n${Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}\r\n`;

  /**
   * Streams a chunked body in paced 4 KiB chunks until the server answers (or 8 × the limit
   * is sent); resolves with the answer and the body bytes sent before it came.
   */
  const streamUntilAnswered = async (url: string, path: string, limit: number) => {
    const socket = await open(url);
    await socket.write(
      head(url, `POST ${path}`, {
        authorization: `Bearer ${stack.apiKey}`,
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      }),
    );
    const chunk = Buffer.alloc(4_096, ' ');
    let sent = 0;
    while (socket.snapshot().status === 0 && !socket.snapshot().closed && sent < 8 * limit) {
      await socket.write(`${chunk.length.toString(16)}\r\n`);
      await socket.write(chunk);
      await socket.write('\r\n');
      sent += chunk.length;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return { reply: await socket.reply(), sent };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'reliability-servers-'));
    stack = await startLocalStack({
      port: 0,
      streamPort: 0,
      dataDir,
      logLevel: 'SILENT',
      clientTimeouts: CLIENT_TIMEOUTS,
      env: {
        MAX_BODY_BYTES: String(MAX_BODY_BYTES),
        MAX_UPLOAD_BYTES: '16384',
        OPENAI_API_KEY: '',
        OPENAI_BASE_URL: '',
      },
    });
  });

  beforeEach(() => {
    for (const socket of opened.splice(0)) socket.reset();
  });

  afterAll(async () => {
    for (const socket of opened.splice(0)) socket.reset();
    await stack?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe.each(['HTTP API', 'streaming'])('the %s port', (portName) => {
    const port = () => ports().find((candidate) => candidate.name === portName)!;

    it('survives a body cut off mid-way by a closed connection', async () => {
      const { url, path } = port();
      const socket = await open(url);
      await socket.write(head(url, `POST ${path}`, { 'content-length': 1_000 }));
      await socket.write('{"message": "cut off');
      socket.end();

      const reply = await socket.closed();

      expect(reply.status === 0 || reply.status < 500).toBe(true);
      expect(await health()).toBe(200);
    });

    it('survives a body cut off mid-way by a reset', async () => {
      const { url, path } = port();
      const socket = await open(url);
      await socket.write(head(url, `POST ${path}`, { 'content-length': 1_000 }));
      await socket.write('{"message": "cut off');
      await new Promise((resolve) => setTimeout(resolve, 50));

      socket.reset();

      expect(await health()).toBe(200);
    });

    it('refuses a declared 560 MB body with a 413 problem before reading it', async () => {
      const { url, path } = port();
      const socket = await open(url);

      await socket.write(head(url, `POST ${path}`, { 'content-length': 560 * 2 ** 20 }));
      const reply = await socket.reply(5_000);

      expect(reply.status).toBe(413);
      expect(reply.text).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(reply.body)).toMatchObject({ status: 413, title: 'Content Too Large' });
      expect(await health()).toBe(200);
    });

    it('refuses a streamed body with a 413 as soon as it passes the limit, reading no further', async () => {
      const { url, path, limit } = port();

      const { reply, sent } = await streamUntilAnswered(url, path, limit);

      expect(reply.status).toBe(413);
      expect(JSON.parse(reply.body)).toMatchObject({ status: 413 });
      expect(sent).toBeGreaterThan(limit);
      expect(sent).toBeLessThanOrEqual(limit + READ_MARGIN_BYTES);
      expect(await health()).toBe(200);
    });

    it('answers a foreign Host (DNS rebinding) with a 421 problem', async () => {
      const { url } = port();
      const socket = await open(url);
      const portNumber = new URL(url).port;

      await socket.write(
        `GET /playground/config.json HTTP/1.1\r\nHost: attacker.example:${portNumber}\r\n\r\n`,
      );
      const reply = await socket.reply();

      expect(reply.status).toBe(421);
      expect(JSON.parse(reply.body)).toMatchObject({ status: 421, title: 'Misdirected Request' });
      expect(reply.text).not.toContain(stack.apiKey);
    });

    it('closes a connection that stalls mid-headers, and keeps answering meanwhile', async () => {
      const { url } = port();
      const stalled = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const socket = await open(url);
          await socket.write(`POST / HTTP/1.1\r\nHost: ${hostOf(url)}\r\nX-Slow: `);
          return socket;
        }),
      );

      expect(await health()).toBe(200);
      const replies = await Promise.all(
        stalled.map((socket) => socket.closed(CLIENT_TIMEOUTS.headersMs + 4_000)),
      );

      expect(replies.every((reply) => reply.closed)).toBe(true);
      expect(await health()).toBe(200);
    });

    it('closes a connection that stalls mid-body', async () => {
      const { url, path } = port();
      const socket = await open(url);
      await socket.write(head(url, `POST ${path}`, { 'content-length': 100 }));
      await socket.write('{"message":');

      const reply = await socket.closed(CLIENT_TIMEOUTS.requestMs + 4_000);

      expect(reply.closed).toBe(true);
      expect(await health()).toBe(200);
    });
  });

  it('holds each route to its function’s limit: a body at the limit reaches the function', async () => {
    const body = `{"message": ""}${' '.repeat(MAX_BODY_BYTES - 15)}`;
    const socket = await open(stack.apiUrl);

    await socket.write(
      head(stack.apiUrl, 'POST /v1/chat', {
        authorization: `Bearer ${stack.apiKey}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      }),
    );
    await socket.write(body);
    const reply = await socket.reply();

    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
    expect(reply.status).toBe(400);
  });

  it('holds uploads to the documents function’s larger limit', async () => {
    const { reply, sent } = await streamUntilAnswered(
      stack.apiUrl,
      '/v1/documents',
      DOCUMENTS_MAX_BODY_BYTES,
    );

    expect(reply.status).toBe(413);
    expect(sent).toBeGreaterThan(DOCUMENTS_MAX_BODY_BYTES);
    expect(sent).toBeLessThanOrEqual(DOCUMENTS_MAX_BODY_BYTES + READ_MARGIN_BYTES);
  });

  it('lets the playground read a 413 from the streaming port (CORS headers on the refusal)', async () => {
    const socket = await open(stack.streamUrl);

    await socket.write(
      head(stack.streamUrl, 'POST /', { origin: stack.apiUrl, 'content-length': 560 * 2 ** 20 }),
    );
    const reply = await socket.reply(5_000);

    expect(reply.status).toBe(413);
    expect(reply.text).toContain(`access-control-allow-origin: ${stack.apiUrl}`);
  });

  it('serves the playground configuration to the loopback names only', async () => {
    const port = new URL(stack.apiUrl).port;
    const answers: Record<string, number> = {};

    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost']) {
      const socket = await open(stack.apiUrl);
      await socket.write(
        `GET /playground/config.json HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      );
      answers[host] = (await socket.reply()).status;
    }

    expect(answers).toEqual({
      [`127.0.0.1:${port}`]: 200,
      [`localhost:${port}`]: 200,
      [`[::1]:${port}`]: 200,
      localhost: 421,
    });
  });

  it('survives a client that resets in the middle of a streamed answer', async () => {
    const body = JSON.stringify({ message: 'What do retries absorb?' });
    const sockets = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const socket = await open(stack.streamUrl);
        await socket.write(
          head(stack.streamUrl, 'POST /', {
            authorization: `Bearer ${stack.apiKey}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          }),
        );
        await socket.write(body);
        return socket;
      }),
    );

    await Promise.all(sockets.map((socket) => socket.answered()));
    for (const socket of sockets) socket.reset();

    expect(await health()).toBe(200);
    const after = await fetch(stack.streamUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body,
    });
    expect(after.status).toBe(200);
    await after.text();
  });
});
