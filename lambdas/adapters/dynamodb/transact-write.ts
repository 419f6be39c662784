import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DependencyError } from '../../core/dependency-error.js';
import { dynamoCall } from './dynamodb-errors.js';

/** Cancellation reasons that are the transaction's own verdict, not the service's state. */
const VERDICTS = new Set(['None', 'ConditionalCheckFailed']);

/** Options of {@link sendTransaction}. */
export interface TransactionRetry {
  /** Attempts for a transaction cancelled by a concurrent one on the same item (default 5). */
  maxAttempts?: number;
}

/**
 * Sends a `TransactWriteItems` and tells its failures apart. DynamoDB cancels a transaction as a
 * whole (`TransactionCanceledException`, which the SDK does not retry) for a failed condition,
 * but also when another transaction holds one of its items (`TransactionConflict`), when it is
 * throttled, or on an internal error. A conflict is retried here with jitter; what is still
 * cancelled for a reason other than a condition becomes a {@link DependencyError} (503, for the
 * client to retry), so a caller that handles the exception as failed conditions only ever sees
 * failed conditions. Written by hand: neither the SDK nor Powertools retries a cancellation.
 *
 * @example
 * try {
 *   await sendTransaction(client, new TransactWriteCommand({ TransactItems }));
 * } catch (error) {
 *   if (error instanceof TransactionCanceledException) ... // a condition failed
 * }
 */
export const sendTransaction = async (
  client: DynamoDBDocumentClient,
  command: TransactWriteCommand,
  options: TransactionRetry = {},
): Promise<void> => {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await dynamoCall(() => client.send(command));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
      const transient = codes.filter((code) => !VERDICTS.has(code));
      if (transient.length === 0) throw error;
      if (attempt >= maxAttempts || transient.some((code) => code !== 'TransactionConflict')) {
        throw new DependencyError(
          'dynamodb',
          'unavailable',
          `DynamoDB cancelled the transaction (${transient.join(', ')})`,
          error,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
};
