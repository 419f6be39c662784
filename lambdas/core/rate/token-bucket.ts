const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', stop, { once: true });
  });

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Most tokens the bucket holds (the burst). */
  capacity: number;
  /** Tokens added per minute. */
  perMinute: number;
  /** Milliseconds since some fixed origin (default `performance.now`). */
  now?: () => number;
}

/**
 * A token bucket that makes callers wait their turn: {@link take} resolves once the tokens it
 * asks for are available, first come first served, so a burst of work is spread to stay under
 * a rate (requests or tokens per minute) instead of being refused by the provider. Written
 * here because the well-known limiter packages either refuse instead of waiting or have not
 * been maintained for years; this is the whole algorithm.
 *
 * @example
 * const requests = new TokenBucket({ capacity: 50, perMinute: 3_000 });
 * await requests.take(1); // then send the request
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: TokenBucketOptions) {
    if (!(options.capacity > 0) || !(options.perMinute > 0)) {
      throw new RangeError('a token bucket needs a positive capacity and rate');
    }
    this.#capacity = options.capacity;
    this.#perMs = options.perMinute / 60_000;
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = options.capacity;
    this.#updatedAt = this.#now();
  }

  /**
   * Waits until `amount` tokens are available and takes them. An amount above the capacity
   * goes once the bucket is full and leaves it in debt, which the next callers wait out, so
   * the rate holds even for oversized requests.
   */
  take(amount: number, signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(() => this.#wait(amount, signal));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #wait(amount: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#now();
      this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#updatedAt) * this.#perMs);
      this.#updatedAt = now;
      const needed = Math.min(amount, this.#capacity);
      if (this.#tokens >= needed) {
        this.#tokens -= amount;
        return;
      }
      const waitMs = Math.ceil((needed - this.#tokens) / this.#perMs);
      await sleep(waitMs, signal);
    }
  }
}
