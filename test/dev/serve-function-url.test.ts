import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import middy from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import { afterEach, describe, expect, it } from 'vitest';
import { installAwsLambdaGlobal } from '../../dev/lambda-response-stream.js';
import { functionUrlListener, type LocalStreamingHandler } from '../../dev/serve-function-url.js';

installAwsLambdaGlobal();

/** A streaming function (Middy, as the stream function is built) that always gives `response`. */
const streamingFunction = (response: {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}) =>
  middy({ executionMode: executionModeStreamifyResponse }).handler(
    async () => response,
  ) as unknown as LocalStreamingHandler;

describe('functionUrlListener', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  const serve = async (handler: LocalStreamingHandler) => {
    server = createServer(functionUrlListener({ handler, corsOrigins: [], timeoutMs: 5_000 }));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it('answers a reply whose prelude sets no content type without one', async () => {
    const base = await serve(streamingFunction({ statusCode: 204, headers: {}, body: '' }));

    const response = await fetch(`${base}/chat-1/stop`, { method: 'POST' });

    expect(response.status).toBe(204);
    expect(response.headers.get('content-type')).toBeNull();
  });

  it('answers with the content type the prelude sets', async () => {
    const base = await serve(
      streamingFunction({
        statusCode: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: 'data: [DONE]\n\n',
      }),
    );

    const response = await fetch(base, { method: 'POST' });

    expect(response.headers.get('content-type')).toBe('text/event-stream');
  });

  it('answers a raw stream with the content type the function set on it', async () => {
    const base = await serve(async (_event, stream) => {
      stream.setContentType('text/plain');
      stream.end('hello');
    });

    const response = await fetch(base, { method: 'POST' });

    expect(response.headers.get('content-type')).toBe('text/plain');
  });
});
