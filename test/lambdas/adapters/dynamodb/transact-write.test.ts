import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { sendTransaction } from '../../../../lambdas/adapters/dynamodb/transact-write.js';
import { DependencyError } from '../../../../lambdas/core/dependency-error.js';

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** A client answering each send with the next outcome (an error is thrown). */
const clientOf = (outcomes: (Error | undefined)[]) => {
  let sends = 0;
  const client = {
    send: async () => {
      const outcome = outcomes[sends++];
      if (outcome) throw outcome;
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, sends: () => sends };
};

const command = new TransactWriteCommand({ TransactItems: [] });

describe('sendTransaction', () => {
  it('retries a transaction cancelled by a concurrent one until it goes through', async () => {
    const { client, sends } = clientOf([cancelled('None', 'TransactionConflict'), undefined]);

    await sendTransaction(client, command);

    expect(sends()).toBe(2);
  });

  it('rethrows a cancellation by failed conditions unchanged, without retrying', async () => {
    const refusal = cancelled('ConditionalCheckFailed', 'None');
    const { client, sends } = clientOf([refusal]);

    await expect(sendTransaction(client, command)).rejects.toBe(refusal);
    expect(sends()).toBe(1);
  });

  it('turns a throttled transaction into a 503 dependency error', async () => {
    const { client } = clientOf([cancelled('None', 'ThrottlingError')]);

    const failure = await sendTransaction(client, command).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DependencyError);
    expect((failure as DependencyError).failure).toBe('unavailable');
  });

  it('gives up on conflicts after its attempts, as a 503 dependency error', async () => {
    const conflict = cancelled('TransactionConflict');
    const { client, sends } = clientOf([conflict, conflict, conflict]);

    const failure = await sendTransaction(client, command, { maxAttempts: 3 }).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(DependencyError);
    expect(sends()).toBe(3);
  });
});
