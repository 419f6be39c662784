/**
 * The OpenAI embedder against the provider's limits (8 192 tokens per input, 300 000 tokens
 * summed per request), whatever the text: digits, numeric tables and scripts such as Tamil or
 * Amharic take more tokens per byte than English. The tiny server below refuses what OpenAI
 * refuses, as OpenAI words it, counting tokens with the real tokenizer (js-tiktoken,
 * cl100k_base, the one of text-embedding-3-*); each vector it answers starts with its input's
 * token count, so the order of the vectors shows.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  OPENAI_EMBEDDING_LIMITS,
  OpenAiEmbedder,
} from '../../../lambdas/adapters/openai/openai-embedder.js';
import { chatRequestSchema } from '../../../lambdas/core/schemas/chat.js';
import {
  embeddingSizeRefusal,
  MAX_INPUT_TOKENS,
  cl100kTokens as tokensOf,
} from '../../support/embedding-size-limits.js';
import { float32Base64 } from '../../support/openai-stand-in.js';

const DIMENSIONS = 8;

/** What the server received: the token count of each input of each request. */
let received: number[][] = [];
/** The token count of each request it answered. */
let accepted: number[] = [];
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
      const refusal = embeddingSizeRefusal(body.input);
      if (refusal !== undefined) {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { ...refusal, param: null } }));
        return;
      }
      accepted.push(total);
      const vector = (count: number) =>
        float32Base64([count, ...Array.from({ length: DIMENSIONS - 1 }, () => 0.25)]);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          object: 'list',
          model: 'text-embedding-3-small',
          data: counts.map((count, index) => ({
            object: 'embedding',
            index,
            embedding: vector(count),
          })),
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
  accepted = [];
});

/** About `bytes` of English documentation prose, differing with `seed`. */
const prose = (seed: number, bytes: number): string => {
  const words = [
    'path',
    'parameters',
    'are',
    'declared',
    'in',
    'the',
    'function',
    'signature',
    'and',
    'validated',
    'by',
    'their',
    'type',
    'annotations',
    'before',
    'your',
    'handler',
    'runs',
  ];
  let text = '';
  for (let index = seed; Buffer.byteLength(text) < bytes; index += 7) {
    text += `${words[index % words.length]}${index % 11 === 0 ? '. ' : ' '}`;
  }
  return text.trim();
};

const embedder = () =>
  new OpenAiEmbedder(new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0, timeout: 60_000 }), {
    model: 'text-embedding-3-small',
    dimensions: DIMENSIONS,
  });

describe('OpenAiEmbedder request limits, counted with the real tokenizer', () => {
  it('packs English prose by three bytes a token, with no request refused', async () => {
    // Arrange: 1 200 chunks of 1 500 bytes (1.8 MB): two requests at three bytes a token; six
    // at a token a byte, the bound that never needs a refusal.
    const texts = Array.from({ length: 1_200 }, (_, index) => prose(index, 1_500));
    const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);

    // Act
    await embedder().embed(texts);

    // Assert
    expect(received).toHaveLength(accepted.length);
    expect(accepted.length).toBe(
      Math.ceil(bytes / 3 / OPENAI_EMBEDDING_LIMITS.maxTokensPerRequest),
    );
  }, 60_000);

  it('splits a numeric table the provider refuses into requests under 300 000 tokens', async () => {
    // Arrange: 600 chunks of a CSV of two-digit values (1 500 bytes each): 500 tokens each by
    // likelyTokens, so all of them are packed into one request; cl100k reads about 1 000 each.
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
    const { vectors } = await embedder().embed(texts);

    // Assert: one refusal, then parts that each fit, the vectors still in input order.
    expect(received.length - accepted.length).toBe(1);
    expect(Math.max(...accepted)).toBeLessThanOrEqual(OPENAI_EMBEDDING_LIMITS.maxTokensPerRequest);
    expect(accepted.length).toBeLessThanOrEqual(
      Math.ceil(accepted.reduce((sum, count) => sum + count, 0) / 270_000),
    );
    expect(vectors.map((vector) => vector[0])).toEqual(texts.map(tokensOf));
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
