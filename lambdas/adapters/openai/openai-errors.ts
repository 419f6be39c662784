import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { DependencyError } from '../../core/dependency-error.js';

/**
 * How long the provider asked to wait, in seconds: `retry-after-ms` (OpenAI's own, which its SDK
 * reads first), else `Retry-After` as seconds or as an HTTP date (RFC 9110); undefined when
 * absent or not a positive time.
 */
const retryAfterSeconds = (headers: Headers | undefined): number | undefined => {
  const milliseconds = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds > 0) return milliseconds / 1000;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = /^\s*\d+(\.\d+)?\s*$/.test(value)
    ? Number(value)
    : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
};

/**
 * Translates a failure of the `openai` SDK that survived its retries into a
 * {@link DependencyError}: timeouts are `timeout` (504), throttling, server errors and
 * broken connections are `unavailable` (503), and any other refusal is `bad-gateway` (502).
 *
 * An abort caused by the caller's own signal is returned unchanged, so that it propagates as
 * an abort and not as an upstream failure. The problem detail names the operation and the
 * status only; the SDK error (with the provider's message) stays available as `cause`.
 *
 * @example
 * try {
 *   await client.embeddings.create(body, { signal });
 * } catch (error) {
 *   throw toOpenAiFailure(error, 'embeddings', signal);
 * }
 */
export const toOpenAiFailure = (
  error: unknown,
  operation: string,
  signal?: AbortSignal,
): unknown => {
  if (error instanceof DependencyError) return error;
  if (signal?.aborted || error instanceof APIUserAbortError) return error;
  if (error instanceof APIConnectionTimeoutError) {
    return new DependencyError('openai', 'timeout', `${operation} timed out`, error);
  }
  if (error instanceof APIConnectionError) {
    return new DependencyError('openai', 'unavailable', `${operation}: connection failed`, error);
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    if (status === 408) {
      return new DependencyError('openai', 'timeout', `${operation} timed out (408)`, error);
    }
    if (status === 429 || status >= 500) {
      const what = status === 429 ? 'rate limited (429)' : `server error (${status})`;
      return new DependencyError(
        'openai',
        'unavailable',
        `${operation}: ${what}`,
        error,
        retryAfterSeconds(error.headers),
      );
    }
    return new DependencyError(
      'openai',
      'bad-gateway',
      `${operation}: rejected (${status})`,
      error,
    );
  }
  if (error instanceof TypeError) {
    // Undici reports a connection that broke while a body was being read as a TypeError
    // (`terminated`, `fetch failed`): the provider went away, it did not say no.
    return new DependencyError('openai', 'unavailable', `${operation}: connection lost`, error);
  }
  // The provider's own words (an error event in a stream, say) may name hosts or keys: they
  // stay in `cause`, for the logs, and never reach the client's detail.
  return new DependencyError('openai', 'bad-gateway', `${operation}: unexpected reply`, error);
};
