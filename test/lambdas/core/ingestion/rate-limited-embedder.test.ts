import { describe, expect, it } from 'vitest';
import { RateLimitedEmbedder } from '../../../../lambdas/core/ingestion/rate-limited-embedder.js';
import type { Embedder, Embeddings } from '../../../../lambdas/core/ports/embedder.js';

/** An embedder that records when each call reached it. */
const recordingEmbedder = () => {
  const calls: { at: number; inputs: number }[] = [];
  const embedder: Embedder = {
    model: 'recording',
    dimensions: 2,
    limits: { maxInputsPerRequest: 2048, maxTokensPerRequest: 300_000 },
    async embed(texts: string[]): Promise<Embeddings> {
      calls.push({ at: performance.now(), inputs: texts.length });
      return { vectors: texts.map(() => [0, 1]), promptTokens: 0 };
    },
  };
  return { embedder, calls };
};

/** A text the estimator counts as `tokens` tokens (four characters each). */
const textOf = (tokens: number) => 'abcd'.repeat(tokens);

describe('RateLimitedEmbedder', () => {
  it("sends a whole minute's tokens at once, as the provider's own bucket allows", async () => {
    const { embedder, calls } = recordingEmbedder();
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
    const { embedder, calls } = recordingEmbedder();
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
    const { embedder, calls } = recordingEmbedder();
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

  it('counts a call the provider takes in two requests as two, each against the limits', async () => {
    const { embedder, calls } = recordingEmbedder();
    const limited = new RateLimitedEmbedder(embedder, {
      requestsPerMinute: 3_000,
      tokensPerMinute: 1_000_000,
    });
    // Two texts of 600 000 UTF-8 bytes: 200 000 likely tokens each, over the 300 000 a request
    // may carry together.
    const texts = ['é'.repeat(300_000), 'ü'.repeat(300_000)];

    const result = await limited.embed(texts);

    expect(calls.map((call) => call.inputs)).toEqual([1, 1]);
    expect(result.vectors).toHaveLength(2);
  });
});
