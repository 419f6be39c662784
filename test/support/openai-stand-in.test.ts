import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  deterministicEmbedding,
  echoReply,
  type OpenAiRequestRecord,
  type OpenAiStandIn,
  startOpenAiStandIn,
} from './openai-stand-in.js';

const MODEL = 'text-embedding-3-small';
const CHAT_MODEL = 'gpt-4o-mini';
const QUESTION = [{ role: 'user' as const, content: 'how do path parameters work' }];

function cosine(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
}

function last(standIn: OpenAiStandIn): OpenAiRequestRecord {
  const record = standIn.requests.at(-1);
  if (record === undefined) throw new Error('no request recorded');
  return record;
}

describe('OpenAiStandIn', () => {
  let standIn: OpenAiStandIn;
  let client: OpenAI;

  beforeAll(async () => {
    standIn = await startOpenAiStandIn({ logViolations: false });
    client = new OpenAI({ apiKey: 'test', baseURL: standIn.url, maxRetries: 0 });
  });

  afterEach(() => {
    standIn.clearFaults();
    standIn.configure({
      embeddingDelayMs: 0,
      firstTokenDelayMs: 0,
      tokenIntervalMs: 0,
      reply: echoReply,
    });
    standIn.assertNoViolations();
  });

  afterAll(async () => {
    await standIn.close();
  });

  describe('embeddings', () => {
    it('serves the openai SDK, which asks for base64 unless told otherwise', async () => {
      const result = await client.embeddings.create({ model: MODEL, input: ['alpha beta'] });

      expect(last(standIn).body).toMatchObject({ encoding_format: 'base64' });
      expect(result.data[0]?.embedding).toEqual(deterministicEmbedding('alpha beta', 64));
      expect(result.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
    });

    it('honours dimensions and encoding_format float', async () => {
      const result = await client.embeddings.create({
        model: MODEL,
        input: 'alpha beta',
        dimensions: 16,
        encoding_format: 'float',
      });

      const vector = result.data[0]?.embedding ?? [];
      expect(vector).toHaveLength(16);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    });

    it('gives the same text the same vector and texts sharing words closer vectors', async () => {
      const texts = [
        'path parameters in FastAPI routes',
        'path parameters in FastAPI routes',
        'FastAPI path parameters and query parameters',
        'deploying a lambda with docker images',
      ];

      const result = await client.embeddings.create({ model: MODEL, input: texts });

      const [a, same, similar, other] = result.data.map((item) => item.embedding);
      expect(same).toEqual(a);
      expect(cosine(a ?? [], similar ?? [])).toBeGreaterThan(cosine(a ?? [], other ?? []) + 0.3);
    });

    it('rejects an embeddings request whose input is a number', async () => {
      const failure = client.embeddings.create({ model: MODEL, input: 42 as unknown as string });

      await expect(failure).rejects.toBeInstanceOf(BadRequestError);
      await expect(failure).rejects.toMatchObject({
        status: 400,
        error: { type: 'invalid_request_error', param: null, code: null },
      });
      expect(standIn.violations).toHaveLength(1);
      expect(standIn.violations[0]).toMatchObject({ service: 'openai', kind: 'request' });
      expect(standIn.violations[0]?.errors.join('\n')).toMatch(/\/input/);
      standIn.clearViolations();
    });

    it('rejects more than 2048 inputs in one request, like the real API', async () => {
      const input = Array.from({ length: 2049 }, (_, index) => `text ${index}`);

      const failure = client.embeddings.create({ model: MODEL, input });

      await expect(failure).rejects.toMatchObject({ status: 400 });
      expect(standIn.violations[0]?.errors.join('\n')).toMatch(/2048/);
      standIn.clearViolations();
    });

    it('rejects an empty string input', async () => {
      const failure = client.embeddings.create({ model: MODEL, input: ['fine', ''] });

      await expect(failure).rejects.toMatchObject({ status: 400 });
      expect(standIn.violations[0]?.errors.join('\n')).toMatch(/empty string/);
      standIn.clearViolations();
    });

    it('refuses a request over 300 000 tokens as OpenAI does, counted by the real tokenizer', async () => {
      // 400 inputs of 1 000 numbers: 1.2 MB, about 800 000 cl100k tokens.
      const numbers = Array.from({ length: 1_000 }, (_, index) => String(index % 97)).join(' ');
      const input = Array.from({ length: 400 }, (_, index) => `${index} ${numbers}`);

      const failure = client.embeddings.create({ model: MODEL, input });

      await expect(failure).rejects.toMatchObject({
        status: 400,
        code: 'max_tokens_per_request',
        message: expect.stringMatching(/Requested \d+ tokens, max 300000 tokens per request/),
      });
      expect(standIn.violations).toHaveLength(0);
    });

    it('accepts a request of more than 300 000 bytes that holds fewer tokens', async () => {
      const input = Array.from({ length: 400 }, () => 'parameters '.repeat(100));

      const reply = await client.embeddings.create({ model: MODEL, input });

      expect(reply.data).toHaveLength(400);
    });

    it('waits embeddingDelayMs before answering and counts the calls', async () => {
      standIn.configure({ embeddingDelayMs: 60 });
      const before = standIn.callCount('embeddings');
      const started = performance.now();

      await client.embeddings.create({ model: MODEL, input: 'slow' });

      expect(performance.now() - started).toBeGreaterThanOrEqual(55);
      expect(standIn.callCount('embeddings')).toBe(before + 1);
    });
  });

  describe('chat completions', () => {
    it('answers a buffered completion with the configured reply', async () => {
      standIn.configure({ reply: ({ messages }) => `You asked ${messages.length} thing.` });

      const result = await client.chat.completions.create({
        model: CHAT_MODEL,
        messages: QUESTION,
      });

      expect(result.choices[0]?.message.content).toBe('You asked 1 thing.');
      expect(result.choices[0]?.finish_reason).toBe('stop');
      expect(result.usage?.completion_tokens).toBe(4);
    });

    it('streams one token per write and records when each was written', async () => {
      standIn.configure({ firstTokenDelayMs: 40, tokenIntervalMs: 15 });

      const stream = await client.chat.completions.create({
        model: CHAT_MODEL,
        messages: QUESTION,
        stream: true,
        stream_options: { include_usage: true },
      });
      const contents: string[] = [];
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        contents.push(chunk.choices[0]?.delta.content ?? '');
        usage = chunk.usage ?? usage;
      }

      const record = last(standIn);
      const tokens = contents.filter((content) => content !== '');
      expect(tokens.join('')).toBe(echoReply({ model: CHAT_MODEL, messages: QUESTION }));
      expect(record.tokenWrites).toHaveLength(tokens.length);
      expect((record.tokenWrites[0] ?? 0) - record.receivedAt).toBeGreaterThanOrEqual(35);
      const gaps = record.tokenWrites
        .slice(1)
        .map((at, index) => at - (record.tokenWrites[index] ?? 0));
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(10);
      expect(usage).toMatchObject({ completion_tokens: tokens.length });
      expect(record.clientAborted).toBe(false);
    });

    it('sees its upstream request closed when the client stops reading a stream', async () => {
      standIn.configure({ tokenIntervalMs: 50 });

      const stream = await client.chat.completions.create({
        model: CHAT_MODEL,
        messages: QUESTION,
        stream: true,
      });
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) break;
      }
      const record = last(standIn);
      await record.settled;

      expect(record.clientAborted).toBe(true);
      expect(record.tokenWrites.length).toBeLessThan(5);
    });
  });

  describe('faults', () => {
    it('answers 429 with Retry-After for the next request only', async () => {
      standIn.setFault('embeddings', { kind: '429', retryAfterSeconds: 3 }, 1);

      const error = await client.embeddings.create({ model: MODEL, input: 'x' }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      const next = await client.embeddings.create({ model: MODEL, input: 'x' });

      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).toMatchObject({ status: 429, error: { code: 'rate_limit_exceeded' } });
      expect((error as RateLimitError).headers?.get('retry-after')).toBe('3');
      expect(next.data).toHaveLength(1);
    });

    it('answers 500 until the fault is cleared', async () => {
      standIn.setFault('chat.completions', { kind: '500' });

      const first = client.chat.completions.create({ model: CHAT_MODEL, messages: QUESTION });
      const second = client.chat.completions.create({ model: CHAT_MODEL, messages: QUESTION });
      await expect(first).rejects.toBeInstanceOf(InternalServerError);
      await expect(second).rejects.toBeInstanceOf(InternalServerError);
      standIn.setFault('chat.completions', null);

      await expect(
        client.chat.completions.create({ model: CHAT_MODEL, messages: QUESTION }),
      ).resolves.toBeDefined();
    });

    it('hangs until the client aborts, and records the abort', async () => {
      standIn.setFault('embeddings', { kind: 'hang' }, 1);
      const impatient = new OpenAI({
        apiKey: 'test',
        baseURL: standIn.url,
        maxRetries: 0,
        timeout: 150,
      });

      const failure = impatient.embeddings.create({ model: MODEL, input: 'x' });

      await expect(failure).rejects.toBeInstanceOf(APIConnectionTimeoutError);
      const record = last(standIn);
      await record.settled;
      expect(record).toMatchObject({ fault: 'hang', clientAborted: true });
      expect(record.status).toBeUndefined();
    });

    it('drops a stream after K tokens by destroying the socket', async () => {
      standIn.setFault('chat.completions', { kind: 'drop-mid-stream', afterTokens: 2 }, 1);
      const received: string[] = [];

      const consume = async () => {
        const stream = await client.chat.completions.create({
          model: CHAT_MODEL,
          messages: QUESTION,
          stream: true,
        });
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
      };

      await expect(consume()).rejects.toBeInstanceOf(Error);
      const record = last(standIn);
      await record.settled;
      expect(received.filter((content) => content !== '')).toHaveLength(2);
      expect(record).toMatchObject({ droppedByStandIn: true, clientAborted: false });
      expect(record.tokenWrites).toHaveLength(2);
    });

    it('drops a buffered request before any reply', async () => {
      standIn.setFault('embeddings', { kind: 'drop-mid-stream' }, 1);

      const failure = client.embeddings.create({ model: MODEL, input: 'x' });

      await expect(failure).rejects.toBeInstanceOf(APIConnectionError);
    });
  });

  describe('request checks', () => {
    it('rejects a request without a Bearer API key with 401', async () => {
      const response = await fetch(`${standIn.url}/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, input: 'x' }),
      });

      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
      expect(standIn.violations[0]?.errors).toEqual([
        'Authorization: a Bearer API key is required',
      ]);
      standIn.clearViolations();
    });

    it('answers 404 to a route outside the spec extract', async () => {
      const response = await fetch(`${standIn.url}/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
        body: JSON.stringify({ model: CHAT_MODEL, prompt: 'x' }),
      });

      expect(response.status).toBe(404);
      expect(standIn.violations[0]?.errors[0]).toContain('is not an operation of the openai spec');
      standIn.clearViolations();
    });

    it('makes violations loud: printed to stderr and thrown by assertNoViolations', async () => {
      const loud = await startOpenAiStandIn();
      const errorLog = vi.spyOn(console, 'error').mockImplementation(() => {});
      const loudClient = new OpenAI({ apiKey: 'test', baseURL: loud.url, maxRetries: 0 });

      await loudClient.chat.completions
        .create({ model: CHAT_MODEL, messages: [] })
        .catch(() => undefined);
      const printed = errorLog.mock.calls.map((call) => String(call[0]));
      errorLog.mockRestore();
      await loud.close();

      expect(printed).toEqual([expect.stringMatching(/^\[spec violation\] .*\/messages/)]);
      expect(() => loud.assertNoViolations()).toThrow(/1 spec violation/);
    });
  });
});
