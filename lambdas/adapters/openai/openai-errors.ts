import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { DependencyError } from '../../core/dependency-error.js';

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
      const retryAfter = Number(error.headers?.get('retry-after'));
      return new DependencyError(
        'openai',
        'unavailable',
        `${operation}: ${what}`,
        error,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
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
