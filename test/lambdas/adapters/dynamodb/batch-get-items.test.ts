import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { batchGetItems } from '../../../../lambdas/adapters/dynamodb/batch-get-items.js';
import { DependencyError } from '../../../../lambdas/core/dependency-error.js';

/** A table that leaves every key unprocessed, as DynamoDB does while a partition is throttled. */
const throttledClient = {
  send: async (command: { input: { RequestItems: Record<string, unknown> } }) => ({
    Responses: {},
    UnprocessedKeys: command.input.RequestItems,
  }),
} as unknown as DynamoDBDocumentClient;

describe('batchGetItems', () => {
  it('fails as DynamoDB being unavailable when keys stay unprocessed', async () => {
    const reading = batchGetItems(throttledClient, [{ pk: 'a', sk: 'b' }], {
      tableName: 't',
      maxAttempts: 2,
      baseDelayMs: 1,
    });

    const error = await reading.catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DependencyError);
    expect(error).toMatchObject({ dependency: 'dynamodb', failure: 'unavailable' });
  });
});
