import type { Embedder, Embeddings, EmbedOptions } from '../ports/embedder.js';
import { TokenBucket } from '../rate/token-bucket.js';
import { estimateTokens } from '../text/estimate-tokens.js';

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
 * The buckets are charged in the inner embedder's {@link EmbedOptions.beforeRequest}, once per
 * request it sends and for the inputs as sent: a call packed into several requests, a request
 * the provider refuses for its size and each part sent again all count, and an input cut to the
 * model's limit counts as cut. An inner embedder that sends no requests is not limited.
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

  embed(texts: string[], options: EmbedOptions = {}): Promise<Embeddings> {
    const { signal, beforeRequest } = options;
    return this.#inner.embed(texts, {
      ...options,
      beforeRequest: async (inputs) => {
        await beforeRequest?.(inputs);
        await this.#admit(inputs, signal);
      },
    });
  }

  /** Waits until one more request holding `inputs` fits both limits, and charges it. */
  async #admit(inputs: readonly string[], signal: AbortSignal | undefined): Promise<void> {
    const tokens = inputs.reduce((sum, input) => sum + estimateTokens(input), 0);
    await this.#requests.take(1, signal);
    await this.#tokens.take(tokens, signal);
  }
}
