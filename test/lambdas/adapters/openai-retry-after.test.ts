/**
 * A 503 for a throttled provider carries Retry-After, "the provider's own when it sent
 * one" (`dependency-error.ts`): its `retry-after-ms` header (which the openai SDK itself honours
 * first) and the HTTP-date form RFC 9110 allows included, not the 5-second default.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiChatModel } from '../../../lambdas/adapters/openai/openai-chat-model.js';
import type { ChatMessage } from '../../../lambdas/core/ports/chat-model.js';

let server: Server;
let baseURL = '';
let headers: Record<string, string> = {};

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(429, { 'content-type': 'application/json', ...headers });
      response.end(
        JSON.stringify({
          error: {
            message: 'Rate limit reached.',
            type: 'requests',
            param: null,
            code: 'rate_limit_exceeded',
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const messages: ChatMessage[] = [{ role: 'user', content: 'What are path parameters?' }];
const model = () =>
  new OpenAiChatModel(new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0 }), {
    model: 'gpt-4o-mini',
  });

describe("OpenAiChatModel passes the provider's Retry-After on to the client", () => {
  it('tells the client to wait as long as a 429 with only retry-after-ms says', async () => {
    // Arrange
    headers = { 'retry-after-ms': '20000' };

    // Act
    const failure = (await model()
      .complete(messages)
      .catch((error: unknown) => error)) as { status: number; headers: Record<string, string> };

    // Assert
    expect(failure.status).toBe(503);
    expect(failure.headers['retry-after']).toBe('20');
  });

  it('tells the client to wait as long as a 429 with an HTTP-date Retry-After says', async () => {
    // Arrange
    headers = { 'retry-after': new Date(Date.now() + 60_000).toUTCString() };

    // Act
    const failure = (await model()
      .complete(messages)
      .catch((error: unknown) => error)) as { status: number; headers: Record<string, string> };

    // Assert
    expect(failure.status).toBe(503);
    expect(Number(failure.headers['retry-after'])).toBeGreaterThanOrEqual(55);
  });
});
