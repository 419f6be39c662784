import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiEmbedder } from '../../../lambdas/adapters/openai/openai-embedder.js';
import { DependencyError } from '../../../lambdas/core/dependency-error.js';
import { RateLimitedEmbedder } from '../../../lambdas/core/ingestion/rate-limited-embedder.js';
import {
  deterministicEmbedding,
  float32Base64,
  type OpenAiStandIn,
  startOpenAiStandIn,
} from '../../support/openai-stand-in.js';

let standIn: OpenAiStandIn;

const client = (options: { timeout?: number; maxRetries?: number } = {}) =>
  new OpenAI({
    apiKey: 'sk-test',
    baseURL: standIn.url,
    timeout: options.timeout ?? 5_000,
    maxRetries: options.maxRetries ?? 2,
  });

const embedder = (
  options: Partial<ConstructorParameters<typeof OpenAiEmbedder>[1]> = {},
  clientOptions: { timeout?: number; maxRetries?: number } = {},
) =>
  new OpenAiEmbedder(client(clientOptions), {
    model: 'text-embedding-3-small',
    dimensions: 32,
    ...options,
  });

let firstRequest = 0;
const embeddingRequests = () =>
  standIn.requests.slice(firstRequest).filter((request) => request.endpoint === 'embeddings');

beforeAll(async () => {
  standIn = await startOpenAiStandIn({ logViolations: false });
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(() => {
  firstRequest = standIn.requests.length;
});

afterEach(() => {
  standIn.clearFaults();
  try {
    standIn.assertNoViolations();
  } finally {
    standIn.clearViolations();
  }
});

describe('OpenAiEmbedder against the OpenAI stand-in', () => {
  it('returns one vector per text, in order, with the configured size and usage', async () => {
    const texts = ['path parameters', 'query parameters', 'request body'];

    const result = await embedder().embed(texts);

    expect(result.vectors).toHaveLength(3);
    result.vectors.forEach((vector, index) => {
      const expected = deterministicEmbedding(texts[index] ?? '', 32);
      expect(vector).toHaveLength(32);
      vector.forEach((value, position) => {
        expect(value).toBeCloseTo(expected[position] ?? Number.NaN, 6);
      });
    });
    expect(result.promptTokens).toBe(6);
  });

  it('sends `dimensions` to text-embedding-3 models and asks for base64', async () => {
    await embedder().embed(['hello']);

    expect(embeddingRequests()[0]?.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['hello'],
      dimensions: 32,
      encoding_format: 'base64',
    });
  });

  it('returns plain number arrays although the wire carried base64', async () => {
    const { vectors } = await embedder().embed(['hello']);

    expect(Array.isArray(vectors[0])).toBe(true);
    expect(typeof vectors[0]?.[0]).toBe('number');
  });

  it('accepts JSON numbers from a server that ignores the base64 it was asked for', async () => {
    standIn.configure({ embeddingEncoding: 'float' });

    try {
      const { vectors } = await embedder().embed(['hello']);

      expect(vectors[0]).toEqual(deterministicEmbedding('hello', 32));
    } finally {
      standIn.configure({ embeddingEncoding: 'as-requested' });
    }
  });

  it('answers a corrupt base64 vector with a bad-gateway DependencyError', async () => {
    standIn.configure({ embeddingEncoding: 'truncated' });

    try {
      const failure = await embedder()
        .embed(['hello'])
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(DependencyError);
      expect(failure).toMatchObject({ dependency: 'openai', failure: 'bad-gateway' });
    } finally {
      standIn.configure({ embeddingEncoding: 'as-requested' });
    }
  });

  it('leaves `dimensions` out for other models (OpenAI-compatible servers)', async () => {
    const { vectors } = await embedder({ model: 'nomic-embed-text', dimensions: 64 }).embed(['hi']);

    expect(embeddingRequests()[0]?.body).not.toHaveProperty('dimensions');
    expect(vectors[0]).toHaveLength(64);
  });

  it('splits inputs beyond one request’s limits into consecutive requests', async () => {
    const limits = { maxInputsPerRequest: 2, maxTokensPerRequest: 1_000 };
    const texts = ['one', 'two', 'three', 'four', 'five'];

    const result = await embedder({ limits }).embed(texts);

    expect(
      embeddingRequests().map((request) => (request.body as { input: string[] }).input),
    ).toEqual([['one', 'two'], ['three', 'four'], ['five']]);
    expect(result.vectors[4]?.[0]).toBeCloseTo(
      deterministicEmbedding('five', 32)[0] ?? Number.NaN,
      6,
    );
    expect(result.promptTokens).toBe(5);
  });

  it('documents the provider limits from the published spec', () => {
    expect(embedder().limits).toEqual({ maxInputsPerRequest: 2048, maxTokensPerRequest: 300_000 });
  });

  it('sends nothing for no texts and refuses a blank one', async () => {
    await expect(embedder().embed([])).resolves.toEqual({ vectors: [], promptTokens: 0 });
    await expect(embedder().embed(['ok', '  '])).rejects.toThrow(RangeError);

    expect(embeddingRequests()).toHaveLength(0);
  });

  describe('replies it refuses', () => {
    /** An embedder whose every request is answered with `data`. */
    const answeredWith = (data: unknown[]) =>
      new OpenAiEmbedder(
        new OpenAI({
          apiKey: 'sk-test',
          baseURL: 'http://openai.invalid/v1',
          maxRetries: 0,
          fetch: async () =>
            Response.json({
              object: 'list',
              model: 'm',
              data,
              usage: { prompt_tokens: 2, total_tokens: 2 },
            }),
        }),
        { model: 'm', dimensions: 4 },
      );

    it('refuses a reply whose indexes repeat, which would pair a text with another vector', async () => {
      const embedder = answeredWith([
        { object: 'embedding', index: 0, embedding: float32Base64([1, 0, 0, 0]) },
        { object: 'embedding', index: 0, embedding: float32Base64([1, 0, 0, 0]) },
      ]);

      const error = await embedder.embed(['first', 'second']).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DependencyError);
    });

    it('refuses a vector that is not finite', async () => {
      const embedder = answeredWith([
        { object: 'embedding', index: 0, embedding: float32Base64([Number.NaN, 0, 0, 1]) },
      ]);

      const error = await embedder.embed(['first']).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DependencyError);
    });
  });

  describe('a request the provider refuses for its size', () => {
    /**
     * An OpenAI client on a fetch that refuses its first embeddings request as over the tokens
     * per request (as OpenAI words it) and answers the others; `sent` holds each request's inputs.
     */
    const refusingFirstRequest = () => {
      const sent: string[][] = [];
      const client = new OpenAI({
        apiKey: 'sk-test',
        baseURL: 'http://openai.invalid/v1',
        maxRetries: 0,
        fetch: async (_url, init) => {
          const { input } = JSON.parse(String(init?.body)) as { input: string[] };
          sent.push(input);
          if (sent.length === 1) {
            return Response.json(
              {
                error: {
                  message: 'Requested 453357 tokens, max 300000 tokens per request',
                  type: 'max_tokens_per_request',
                  param: null,
                  code: 'max_tokens_per_request',
                },
              },
              { status: 400 },
            );
          }
          return Response.json({
            object: 'list',
            model: 'm',
            data: input.map((_, index) => ({
              object: 'embedding',
              index,
              embedding: float32Base64([1, 0, 0, 0]),
            })),
            usage: { prompt_tokens: input.length, total_tokens: input.length },
          });
        },
      });
      return { embedder: new OpenAiEmbedder(client, { model: 'm', dimensions: 4 }), sent };
    };

    it('announces every request it sends through beforeRequest, the refused one and each part sent again', async () => {
      const { embedder, sent } = refusingFirstRequest();
      const announced: (readonly string[])[] = [];

      await embedder.embed(['path parameters', 'query parameters'], {
        beforeRequest: async (inputs) => {
          announced.push([...inputs]);
        },
      });

      expect(announced).toEqual([
        ['path parameters', 'query parameters'],
        ['path parameters'],
        ['query parameters'],
      ]);
      expect(announced).toEqual(sent);
    });

    it('announces an input over the model’s limit as cut to 8 192 tokens, as it is sent', async () => {
      const { embedder, sent } = refusingFirstRequest();
      const announced: (readonly string[])[] = [];
      const long = 'parameters '.repeat(2_000);

      await embedder.embed([long, 'short'], {
        beforeRequest: async (inputs) => {
          announced.push([...inputs]);
        },
      });

      expect(announced[0]?.[0]).toHaveLength(8_192);
      expect(announced).toEqual(sent);
    });

    it('spends a request of a RateLimitedEmbedder’s minute on the refused request and on each part', async () => {
      // Arrange: three requests a minute, on a clock that does not move.
      const { embedder, sent } = refusingFirstRequest();
      const limited = new RateLimitedEmbedder(
        embedder,
        { requestsPerMinute: 3, tokensPerMinute: 1_000_000 },
        () => 0,
      );
      await limited.embed(['path parameters', 'query parameters']);
      const abort = new AbortController();

      // Act
      const next = limited.embed(['request body'], { signal: abort.signal });

      // Assert: three requests were sent, so the fourth waits for the minute to refill.
      const waited = await Promise.race([
        next.then(
          () => false,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 50)),
      ]);
      expect(sent).toHaveLength(3);
      expect(waited).toBe(true);
      abort.abort();
      await expect(next).rejects.toBeDefined();
    });
  });

  describe('failures', () => {
    it("tells the client to retry after the provider's Retry-After when it stays throttled", async () => {
      standIn.setFault('embeddings', { kind: '429', retryAfterSeconds: 7 }, 1);

      const error = await embedder({}, { maxRetries: 0 })
        .embed(['hello'])
        .catch((caught: unknown) => caught);

      expect(error).toMatchObject({ status: 503, headers: { 'retry-after': '7' } });
    });

    it('waits as Retry-After says after a 429, then succeeds', async () => {
      standIn.setFault('embeddings', { kind: '429', retryAfterSeconds: 1 }, 1);

      const result = await embedder().embed(['retry me']);

      expect(result.vectors).toHaveLength(1);
      const [limited, retried] = embeddingRequests();
      expect(limited?.status).toBe(429);
      expect(retried?.status).toBe(200);
      expect((retried?.receivedAt ?? 0) - (limited?.receivedAt ?? 0)).toBeGreaterThanOrEqual(990);
    });

    it('answers DependencyError 503 when the rate limit persists', async () => {
      standIn.setFault('embeddings', { kind: '429', retryAfterSeconds: 1 });

      const failure = await embedder({}, { maxRetries: 1 })
        .embed(['x'])
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(DependencyError);
      expect(failure).toMatchObject({ dependency: 'openai', failure: 'unavailable', status: 503 });
      expect(embeddingRequests().map((request) => request.status)).toEqual([429, 429]);
    });

    it('answers DependencyError 503 after retrying a persistent 500', async () => {
      standIn.setFault('embeddings', { kind: '500' });

      const failure = await embedder({}, { maxRetries: 1 })
        .embed(['x'])
        .catch((error: unknown) => error);

      expect(failure).toMatchObject({ dependency: 'openai', failure: 'unavailable', status: 503 });
      expect(embeddingRequests()).toHaveLength(2);
    });

    it('answers DependencyError 504 when the provider hangs past the timeout', async () => {
      standIn.setFault('embeddings', { kind: 'hang' });

      const failure = await embedder({}, { timeout: 100, maxRetries: 0 })
        .embed(['x'])
        .catch((error: unknown) => error);

      expect(failure).toMatchObject({ dependency: 'openai', failure: 'timeout', status: 504 });
    });

    it('answers DependencyError 502 when the provider rejects the request', async () => {
      const failure = await embedder({ dimensions: 4096 })
        .embed(['x'])
        .catch((error: unknown) => error);

      expect(failure).toMatchObject({ dependency: 'openai', failure: 'bad-gateway', status: 502 });
      standIn.clearViolations(); // the stand-in rightly flags the over-large `dimensions`
    });

    it('answers DependencyError 502 when the vectors have another size than configured', async () => {
      const failure = await embedder({ model: 'nomic-embed-text', dimensions: 32 })
        .embed(['x'])
        .catch((error: unknown) => error);

      expect(failure).toMatchObject({
        status: 502,
        cause: expect.objectContaining({ message: expect.stringMatching(/64 dimensions/) }),
      });
    });

    it("propagates the caller's abort untranslated and closes the request", async () => {
      standIn.setFault('embeddings', { kind: 'hang' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);

      const failure = await embedder()
        .embed(['x'], { signal: controller.signal })
        .catch((error: unknown) => error);

      expect(failure).not.toBeInstanceOf(DependencyError);
      expect(failure).toBeInstanceOf(OpenAI.APIUserAbortError);
      await embeddingRequests()[0]?.settled;
      expect(embeddingRequests()[0]?.clientAborted).toBe(true);
    });
  });
});
