import { QdrantClientResourceExhaustedError } from '@qdrant/js-client-rest';
import { DependencyError } from '../../core/dependency-error.js';
import { toQdrantFailure } from './qdrant-errors.js';

/** How {@link withQdrantRetries} retries: `retries` more attempts, exponential backoff. */
export interface QdrantRetryPolicy {
  /** Attempts after the first one (default 2). */
  retries: number;
  /** Delay before the first retry, doubled for each next one, with jitter (default 100 ms). */
  baseDelayMs: number;
  /** Cap on any delay, including a server's `Retry-After` (default 2000 ms). */
  maxDelayMs: number;
}

/** The default policy: three attempts within about a second. */
export const DEFAULT_QDRANT_RETRY: QdrantRetryPolicy = Object.freeze({
  retries: 2,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
});

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as it aborts. The Qdrant
 * client cannot cancel one request (its timeout middleware replaces any per-request signal), so
 * the abandoned request finishes in the background, bounded by the client's `timeout`.
 */
export const abortable = <T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> => {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
};

/**
 * Runs an idempotent Qdrant call, retrying throttling, 5xx and connection failures (never
 * timeouts or refusals) with exponential backoff, or after the server's `Retry-After` when it
 * sends one. A failure that survives becomes a {@link DependencyError} naming `qdrant`.
 *
 * @example
 * const { count } = await withQdrantRetries('count', () => client.count('chunks', { filter }));
 */
export const withQdrantRetries = async <T>(
  operation: string,
  call: () => Promise<T>,
  policy: QdrantRetryPolicy = DEFAULT_QDRANT_RETRY,
  signal?: AbortSignal,
): Promise<T> => {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await abortable(call(), signal);
    } catch (error) {
      const failure = toQdrantFailure(error, operation, signal);
      const retryable = failure instanceof DependencyError && failure.failure === 'unavailable';
      if (!retryable || attempt >= policy.retries) throw failure;
      const backoff = policy.baseDelayMs * 2 ** attempt * (0.75 + Math.random() * 0.25);
      const asked =
        error instanceof QdrantClientResourceExhaustedError ? error.retry_after * 1000 : backoff;
      await sleep(Math.min(Math.max(asked, 0), policy.maxDelayMs), signal);
    }
  }
};
