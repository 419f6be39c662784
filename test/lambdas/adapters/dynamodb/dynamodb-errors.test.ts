import { describe, expect, it } from 'vitest';
import { asDynamoDbError } from '../../../../lambdas/adapters/dynamodb/dynamodb-errors.js';
import { DependencyError } from '../../../../lambdas/core/dependency-error.js';

/** A socket error as the SDK's HTTP handler rejects it (it names resets `TimeoutError`). */
const socketError = (name: string, code: string) =>
  Object.assign(new Error(`socket failed: ${code}`), { name, code });

describe('asDynamoDbError', () => {
  it('answers a connection reset, which the SDK names TimeoutError, as unavailable (503)', () => {
    // Arrange
    const reset = socketError('TimeoutError', 'ECONNRESET');

    // Act
    const translated = asDynamoDbError(reset);

    // Assert
    expect(translated).toBeInstanceOf(DependencyError);
    expect(translated).toMatchObject({ failure: 'unavailable', status: 503 });
  });

  it('answers a request that timed out as a timeout (504)', () => {
    // Arrange
    const timedOut = socketError('TimeoutError', 'ETIMEDOUT');

    // Act
    const translated = asDynamoDbError(timedOut);

    // Assert
    expect(translated).toMatchObject({ failure: 'timeout', status: 504 });
  });
});
