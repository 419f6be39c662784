import { DependencyError } from '../../core/dependency-error.js';

const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
]);

/**
 * Translates a DynamoDB failure that survived the SDK's retries into a {@link DependencyError}
 * (503 for throttling, outages and unreachable endpoints, 504 for timeouts). Anything else
 * (a failed condition, a validation error) is returned unchanged: it is ours to handle.
 *
 * @example
 * await client.send(command).catch((error) => { throw asDynamoDbError(error); });
 */
export const asDynamoDbError = (error: unknown): unknown => {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: string }).code;
  // The SDK names a connection reset (a kept-alive socket the endpoint dropped) `TimeoutError`
  // too: the endpoint went away, it was not slow.
  const reset = code === 'ECONNRESET' || code === 'EPIPE';
  if (!reset && (error.name === 'TimeoutError' || code === 'ETIMEDOUT')) {
    return new DependencyError('dynamodb', 'timeout', 'DynamoDB did not answer in time', error);
  }
  if (
    TRANSIENT.has(error.name) ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    /ECONNREFUSED|ECONNRESET|socket hang up/.test(error.message)
  ) {
    return new DependencyError('dynamodb', 'unavailable', 'DynamoDB is unavailable', error);
  }
  return error;
};

/** Runs a DynamoDB call, translating its infrastructure failures with {@link asDynamoDbError}. */
export const dynamoCall = async <T>(call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw asDynamoDbError(error);
  }
};
