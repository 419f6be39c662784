import { describe, expect, it } from 'vitest';
import { RateLimitedEmbedder } from '../../../../lambdas/core/ingestion/rate-limited-embedder.js';
import type {
  Embedder,
  Embeddings,
  EmbedOptions,
} from '../../../../lambdas/core/ports/embedder.js';

/**
 * An embedder that sends the requests `requestsOf` makes of a call's texts, announcing each
 * through `beforeRequest` as a provider's adapter does, and records when each call reached it.
 */
const sendingEmbedder = (requestsOf: (texts: string[]) => string[][] = (texts) => [texts]) => {
  const calls: { at: number; inputs: number }[] = [];
  const embedder: Embedder = {
    model: 'sending',
    dimensions: 2,
    limits: { maxInputsPerRequest: 2048, maxTokensPerRequest: 300_000 },
    async embed(texts: string[], options: EmbedOptions = {}): Promise<Embeddings> {
      for (const request of requestsOf(texts)) await options.beforeRequest?.(request);
      calls.push({ at: performance.now(), inputs: texts.length });
      return { vectors: texts.map(() => [0, 1]), promptTokens: 0 };
    },
  };
  return { embedder, calls };
};

/** A text the estimator counts as `tokens` tokens (four characters each). */
const textOf = (tokens: number) => 'abcd'.repeat(tokens);

/** A clock that never moves: a bucket it times refills only as the test says. */
const stoppedClock = () => 0;

/** Whether `promise` is still pending after `ms` milliseconds. */
const stillPendingAfter = (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([
    promise.then(
      () => false,
      () => false,
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), ms)),
  ]);

describe('RateLimitedEmbedder', () => {
  it("sends a whole minute's tokens at once, as the provider's own bucket allows", async () => {
    const { embedder, calls } = sendingEmbedder();
    const limited = new RateLimitedEmbedder(embedder, {
      requestsPerMinute: 3_000,
      tokensPerMinute: 600_000,
    });
    const started = performance.now();

    await Promise.all(Array.from({ length: 10 }, () => limited.embed([textOf(59_000)])));

    expect(calls).toHaveLength(10);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('makes the request past the per-minute tokens wait for the refill', async () => {
    const { embedder, calls } = sendingEmbedder();
    const limited = new RateLimitedEmbedder(embedder, {
      requestsPerMinute: 3_000,
      tokensPerMinute: 60_000, // refills 1 token per ms
    });
    await limited.embed([textOf(59_900)]);
    const started = performance.now();

    await limited.embed([textOf(300)]); // 200 tokens short: about 200 ms

    expect(calls).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(180);
  });

  it('makes the request past the per-minute requests wait for the refill', async () => {
    const { embedder, calls } = sendingEmbedder();
    // Timed from before the bucket exists: it refills from then on, however long the first
    // 600 requests take on a busy machine, so the 601st comes 100 ms after it, not after them.
    const started = performance.now();
    const limited = new RateLimitedEmbedder(embedder, {
      requestsPerMinute: 600, // refills one request per 100 ms
      tokensPerMinute: 1_000_000,
    });
    await Promise.all(Array.from({ length: 600 }, () => limited.embed(['a'])));

    await limited.embed(['a']);

    expect(calls).toHaveLength(601);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('counts every request the embedder sends for a call, a refused one and its resent parts included', async () => {
    // Arrange: a call sent as a refused request and its two halves, under three requests a
    // minute on a clock that does not move.
    const { embedder } = sendingEmbedder((texts) => [texts, texts.slice(0, 1), texts.slice(1)]);
    const limited = new RateLimitedEmbedder(
      embedder,
      { requestsPerMinute: 3, tokensPerMinute: 1_000_000 },
      stoppedClock,
    );
    await limited.embed(['path parameters', 'query parameters']);
    const abort = new AbortController();

    // Act
    const next = limited.embed(['request body'], { signal: abort.signal });

    // Assert: the minute's three requests are spent, so the next one waits.
    expect(await stillPendingAfter(next, 50)).toBe(true);
    abort.abort();
    await expect(next).rejects.toBeDefined();
  });

  it('counts the tokens of the inputs as sent, not of the texts before the embedder cut them', async () => {
    // Arrange: a text of 10 000 estimated tokens that the embedder cuts to its first 8 192
    // bytes (2 048 estimated tokens), under 3 000 tokens a minute on a clock that does not move.
    const { embedder, calls } = sendingEmbedder((texts) => [
      texts.map((text) => text.slice(0, 8_192)),
    ]);
    const limited = new RateLimitedEmbedder(
      embedder,
      { requestsPerMinute: 3_000, tokensPerMinute: 3_000 },
      stoppedClock,
    );
    await limited.embed([textOf(10_000)]);

    // Act: 900 tokens more still fit in the minute's 3 000.
    const next = limited.embed([textOf(900)]);

    // Assert
    expect(await stillPendingAfter(next, 50)).toBe(false);
    expect(calls).toHaveLength(2);
  });

  it('sends a call in as many requests as the embedder packs it, not in requests of its own', async () => {
    // Arrange: two texts of 600 000 UTF-8 bytes (200 000 likely tokens each, over 300 000
    // together), which an embedder that cuts each input to 8 192 tokens sends in one request.
    const { embedder, calls } = sendingEmbedder();
    const limited = new RateLimitedEmbedder(embedder, {
      requestsPerMinute: 3_000,
      tokensPerMinute: 1_000_000,
    });

    // Act
    const result = await limited.embed(['é'.repeat(300_000), 'ü'.repeat(300_000)]);

    // Assert
    expect(calls.map((call) => call.inputs)).toEqual([2]);
    expect(result.vectors).toHaveLength(2);
  });

  it('runs the caller’s own beforeRequest as well, for each request sent', async () => {
    const { embedder } = sendingEmbedder((texts) => texts.map((text) => [text]));
    const limited = new RateLimitedEmbedder(embedder, {
      requestsPerMinute: 3_000,
      tokensPerMinute: 1_000_000,
    });
    const announced: (readonly string[])[] = [];

    await limited.embed(['one', 'two'], {
      beforeRequest: async (inputs) => {
        announced.push(inputs);
      },
    });

    expect(announced).toEqual([['one'], ['two']]);
  });
});
