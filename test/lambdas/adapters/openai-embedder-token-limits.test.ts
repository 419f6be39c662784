/**
 * No request of the OpenAI embedder exceeds the provider's limits (8 192 tokens per input,
 * 300 000 tokens summed per request), whatever the text: digits, numeric tables and scripts
 * such as Tamil or Amharic take more tokens per byte than English. The tiny server below
 * refuses what OpenAI refuses, counting tokens with the real tokenizer (js-tiktoken,
 * cl100k_base, the one of text-embedding-3-*).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  OPENAI_EMBEDDING_LIMITS,
  OpenAiEmbedder,
} from '../../../lambdas/adapters/openai/openai-embedder.js';
import { chatRequestSchema } from '../../../lambdas/core/schemas/chat.js';
import { float32Base64 } from '../../support/openai-stand-in.js';

const tokenizer = new Tiktoken(cl100k);
const tokensOf = (text: string): number => tokenizer.encode(text).length;

const MAX_INPUT_TOKENS = 8_192;
const DIMENSIONS = 8;

/** What the server received: the token count of each input of each request. */
let received: number[][] = [];
let server: Server;
let baseURL = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { input: string[] };
      const counts = body.input.map(tokensOf);
      received.push(counts);
      const total = counts.reduce((sum, count) => sum + count, 0);
      const refuse = (message: string) => {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            error: { message, type: 'invalid_request_error', param: null, code: null },
          }),
        );
      };
      const longest = Math.max(...counts);
      if (longest > MAX_INPUT_TOKENS) {
        return refuse(
          `This model's maximum context length is 8192 tokens, however you requested ${longest} tokens`,
        );
      }
      if (total > OPENAI_EMBEDDING_LIMITS.maxTokensPerRequest) {
        return refuse(`Requested ${total} tokens, max 300000 tokens per request`);
      }
      const vector = float32Base64(Array.from({ length: DIMENSIONS }, () => 0.25));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          object: 'list',
          model: 'text-embedding-3-small',
          data: counts.map((_, index) => ({ object: 'embedding', index, embedding: vector })),
          usage: { prompt_tokens: total, total_tokens: total },
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

beforeEach(() => {
  received = [];
});

const embedder = () =>
  new OpenAiEmbedder(new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0, timeout: 60_000 }), {
    model: 'text-embedding-3-small',
    dimensions: DIMENSIONS,
  });

describe('OpenAiEmbedder request limits, counted with the real tokenizer', () => {
  it('keeps every request of a numeric table under 300 000 tokens', async () => {
    // Arrange: 600 chunks of a CSV of two-digit values (1 500 bytes each): 500 tokens each by
    // upperBoundTokens, so all of them fit one request's 300 000; cl100k reads about 1 000.
    const row = (seed: number) =>
      Array.from({ length: 16 }, (_, column) => String(10 + ((seed * 31 + column * 7) % 90))).join(
        ',',
      );
    const chunk = (index: number) => {
      let text = '';
      for (let line = 0; Buffer.byteLength(text) < 1_500; line += 1)
        text += `${row(index + line)}\n`;
      return text.slice(0, 1_500);
    };
    const texts = Array.from({ length: 600 }, (_, index) => chunk(index));

    // Act
    const outcome = await embedder()
      .embed(texts)
      .then(
        () => 'embedded',
        (error: unknown) => error,
      );

    // Assert
    const perRequest = received.map((counts) => counts.reduce((sum, count) => sum + count, 0));
    expect(Math.max(...perRequest)).toBeLessThanOrEqual(
      OPENAI_EMBEDDING_LIMITS.maxTokensPerRequest,
    );
    expect(outcome).toBe('embedded');
  }, 60_000);

  it('never sends a question the chat schema accepts as one input over 8 192 tokens, nor answers it with a 5xx', async () => {
    // Arrange: an 8 000-character question in Tamil, which the chat schema accepts.
    const sentence = 'பாதை அளவுருக்கள் செயல்பாட்டின் பாதையில் அறிவிக்கப்பட்டு கையாளுநரால் படிக்கப்படுகின்றன. ';
    const question = sentence
      .repeat(Math.ceil(8_000 / sentence.length))
      .slice(0, 8_000)
      .trim();
    expect(chatRequestSchema.safeParse({ message: question }).success).toBe(true);

    // Act
    const failure = await embedder()
      .embed([question])
      .then(
        () => undefined,
        (error: unknown) => error as { status?: number },
      );

    // Assert
    const sent = received.flat();
    expect(Math.max(0, ...sent)).toBeLessThanOrEqual(MAX_INPUT_TOKENS);
    expect(failure?.status ?? 200).toBeLessThan(500);
  }, 30_000);
});
