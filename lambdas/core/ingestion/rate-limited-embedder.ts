import type { Embedder, Embeddings } from '../ports/embedder.js';
import { TokenBucket } from '../rate/token-bucket.js';
import { estimateTokens } from '../text/estimate-tokens.js';
import { likelyTokens } from '../text/likely-tokens.js';
import { embeddingBatches } from './embedding-batches.js';

/** The provider's limits for one container, per minute. */
export interface EmbeddingRateLimits {
  requestsPerMinute: number;
  tokensPerMinute: number;
}

/**
 * An {@link Embedder} that keeps its calls under a requests-per-minute and a tokens-per-minute
 * limit, waiting (back-pressure) rather than letting the provider answer 429. Each bucket holds
 * one minute's worth of its rate and refills continuously, which is how OpenAI's own limiter
 * behaves (`x-ratelimit-remaining-tokens` starts at the per-minute limit and
 * `x-ratelimit-reset-tokens` counts down as it refills): a burst up to the limit goes at once,
 * a longer run is spread at the rate.
 *
 * @example
 * const embedder = new RateLimitedEmbedder(openAiEmbedder, { requestsPerMinute: 3_000, tokensPerMinute: 1_000_000 });
 */
export class RateLimitedEmbedder implements Embedder {
  readonly #inner: Embedder;
  readonly #requests: TokenBucket;
  readonly #tokens: TokenBucket;

  constructor(inner: Embedder, limits: EmbeddingRateLimits, now?: () => number) {
    this.#inner = inner;
    const bucket = (perMinute: number) =>
      new TokenBucket({
        capacity: perMinute,
        perMinute,
        ...(now ? { now } : {}),
      });
    this.#requests = bucket(limits.requestsPerMinute);
    this.#tokens = bucket(limits.tokensPerMinute);
  }

  get model(): string {
    return this.#inner.model;
  }

  get dimensions(): number {
    return this.#inner.dimensions;
  }

  get limits() {
    return this.#inner.limits;
  }

  async embed(texts: string[], options: { signal?: AbortSignal } = {}): Promise<Embeddings> {
    // Planned as the provider's adapter packs them (inputs and likely tokens per request), so a
    // call it would send as two requests counts, and waits, as two.
    const requests = embeddingBatches(texts, this.#inner.limits, likelyTokens);
    if (requests.length <= 1) return this.#send(texts, options);
    const vectors: number[][] = [];
    let promptTokens = 0;
    for (const request of requests) {
      const result = await this.#send(request, options);
      vectors.push(...result.vectors);
      promptTokens += result.promptTokens;
    }
    return { vectors, promptTokens };
  }

  async #send(texts: string[], options: { signal?: AbortSignal }): Promise<Embeddings> {
    const tokens = texts.reduce((sum, text) => sum + estimateTokens(text), 0);
    await this.#requests.take(1, options.signal);
    await this.#tokens.take(tokens, options.signal);
    return this.#inner.embed(texts, options);
  }
}
