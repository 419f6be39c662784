import { type Dependency, DependencyError } from '../../core/dependency-error.js';
import { HttpProblem } from '../../core/problem.js';

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'RequestThrottled',
  'RequestLimitExceeded',
  'SlowDown',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
  'KmsThrottled',
]);
const NETWORK = /ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EAI_AGAIN|socket hang up/;

/**
 * Translates an AWS SDK failure that survived the SDK's own retries into a
 * {@link DependencyError} naming the service: 504 for timeouts, 503 for throttling, server
 * errors and unreachable endpoints, 502 for anything else the service refused.
 *
 * @example
 * toAwsDependencyError('s3', 'PutObject', error) // DependencyError: 's3: PutObject failed: …'
 */
export const toAwsDependencyError = (
  dependency: Dependency,
  operation: string,
  error: unknown,
): HttpProblem => {
  if (error instanceof HttpProblem) return error;
  const failure = error as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = failure.name ?? '';
  const status = failure.$metadata?.httpStatusCode ?? 0;
  if (name === 'TimeoutError' || name === 'RequestTimeout' || failure.code === 'ETIMEDOUT') {
    return new DependencyError(dependency, 'timeout', `${operation} timed out`, error);
  }
  if (
    THROTTLING.has(name) ||
    status === 429 ||
    status >= 500 ||
    NETWORK.test(`${failure.code ?? ''} ${failure.message ?? ''}`)
  ) {
    return new DependencyError(dependency, 'unavailable', `${operation} is unavailable`, error);
  }
  return new DependencyError(
    dependency,
    'bad-gateway',
    `${operation} failed: ${name || 'unknown error'}`,
    error,
  );
};

/**
 * Runs one AWS SDK call, translating its failures with {@link toAwsDependencyError}.
 *
 * @example
 * await awsCall('sqs', 'SendMessage', () => sqs.send(new SendMessageCommand(input)));
 */
export const awsCall = async <T>(
  dependency: Dependency,
  operation: string,
  call: () => Promise<T>,
): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw toAwsDependencyError(dependency, operation, error);
  }
};
