import { HttpProblem } from './problem.js';

/** The external systems the API depends on, named as clients see them in problem documents. */
export type Dependency = 'openai' | 'qdrant' | 'dynamodb' | 's3' | 'sqs' | 'secrets-manager';

/** How a dependency failed: it said no (502), it is unavailable or throttling (503), it was too slow (504). */
export type DependencyFailure = 'bad-gateway' | 'unavailable' | 'timeout';

const STATUS: Record<DependencyFailure, number> = {
  'bad-gateway': 502,
  unavailable: 503,
  timeout: 504,
};

/** Seconds a client is told to wait after a dependency was unavailable, unless it said. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * An upstream failure that survived the adapter's retries. Rendered as a 502/503/504 problem
 * whose detail names the dependency; a 503 (unavailable or throttling) carries `Retry-After`,
 * the upstream's own when it sent one (`retryAfterSeconds`).
 *
 * @example
 * throw new DependencyError('openai', 'timeout', 'chat completion timed out after 25000 ms');
 */
export class DependencyError extends HttpProblem {
  readonly dependency: Dependency;
  readonly failure: DependencyFailure;

  constructor(
    dependency: Dependency,
    failure: DependencyFailure,
    detail: string,
    cause?: unknown,
    retryAfterSeconds?: number,
  ) {
    super(STATUS[failure], {
      type: `urn:problem:dependency:${dependency}`,
      detail: `${dependency}: ${detail}`,
      cause,
      ...(failure === 'unavailable'
        ? {
            headers: {
              'retry-after': String(
                Math.max(1, Math.ceil(retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS)),
              ),
            },
          }
        : {}),
    });
    this.name = 'DependencyError';
    this.dependency = dependency;
    this.failure = failure;
  }
}

/**
 * A dependency that answers, but not as this deployment is configured for it (a collection
 * missing or of another layout, vectors of another size). The client's 502 names the
 * dependency only: collection names and settings are the deployment's, not its tenants'. What
 * differs is the error's cause, which the function's log prints.
 *
 * @example
 * throw misconfigured('qdrant', `collection ${name} holds 8-dimensional vectors, the embedder makes 4`);
 */
export const misconfigured = (dependency: Dependency, diagnostic: string): DependencyError =>
  new DependencyError(
    dependency,
    'bad-gateway',
    'not set up as this deployment expects (the service log says what differs)',
    new Error(diagnostic),
  );
