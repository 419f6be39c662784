import {
  QdrantClientResourceExhaustedError,
  QdrantClientTimeoutError,
  QdrantClientUnexpectedResponseError,
} from '@qdrant/js-client-rest';
import { DependencyError } from '../../core/dependency-error.js';

const statusOf = (error: unknown): number | undefined => {
  if (!(error instanceof Error) || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
};

/**
 * Translates a failure of `@qdrant/js-client-rest` into a {@link DependencyError}: client
 * timeouts and 408/504 are `timeout` (504), throttling (429), other 5xx and refused or broken
 * connections are `unavailable` (503), any other refusal or odd reply is `bad-gateway` (502).
 *
 * An abort caused by the caller's signal is returned unchanged. The problem detail names the
 * operation and the status only; the client error stays available as `cause`.
 *
 * @example
 * try {
 *   return await client.count(collection, { filter, exact: true });
 * } catch (error) {
 *   throw toQdrantFailure(error, 'count');
 * }
 */
export const toQdrantFailure = (
  error: unknown,
  operation: string,
  signal?: AbortSignal,
): unknown => {
  if (error instanceof DependencyError) return error;
  if (signal?.aborted) return error;
  if (error instanceof QdrantClientTimeoutError) {
    return new DependencyError('qdrant', 'timeout', `${operation} timed out`, error);
  }
  if (error instanceof QdrantClientResourceExhaustedError) {
    return new DependencyError('qdrant', 'unavailable', `${operation}: rate limited (429)`, error);
  }
  const status = statusOf(error);
  if (status !== undefined) {
    if (status === 408 || status === 504) {
      return new DependencyError('qdrant', 'timeout', `${operation} timed out (${status})`, error);
    }
    if (status === 429 || status >= 500) {
      return new DependencyError('qdrant', 'unavailable', `${operation}: status ${status}`, error);
    }
    return new DependencyError(
      'qdrant',
      'bad-gateway',
      `${operation}: rejected (${status})`,
      error,
    );
  }
  if (error instanceof QdrantClientUnexpectedResponseError) {
    return new DependencyError('qdrant', 'bad-gateway', `${operation}: unexpected reply`, error);
  }
  if (error instanceof TypeError) {
    // Undici's `fetch failed` (refused, reset, DNS): the store is out of reach.
    return new DependencyError('qdrant', 'unavailable', `${operation}: connection failed`, error);
  }
  return new DependencyError('qdrant', 'bad-gateway', `${operation}: unexpected failure`, error);
};
