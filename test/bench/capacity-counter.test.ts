import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCapacity, itemBytes } from '../../bench/cost/capacity-counter.js';
import { type DynaliteHandle, startDynalite } from '../support/dynalite.js';

let db: DynaliteHandle;

beforeAll(async () => {
  db = await startDynalite('capacity-test');
});

afterAll(async () => {
  await db?.close();
});

const item = (sk: string, bytes: number, extra: Record<string, string> = {}) => ({
  pk: 'TENANT#t#TEST',
  sk,
  text: 'x'.repeat(bytes),
  ...extra,
});

describe('countCapacity', () => {
  it('counts the write units DynamoDB reports for a put, one per KB', async () => {
    const count = countCapacity(db.documentClient);

    await db.documentClient.send(
      new PutCommand({ TableName: db.tableName, Item: item('a', 1_500) }),
    );

    expect(count.writeUnits).toBe(2);
    expect(count.calls).toEqual({ PutItemCommand: 1 });
  });

  it('counts half a read unit for an eventually consistent get', async () => {
    const count = countCapacity(db.documentClient);

    await db.documentClient.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: 'TENANT#t#TEST', sk: 'a' } }),
    );

    expect(count.readUnits).toBe(0.5);
  });

  it('bills a query that finds nothing its minimum, half a unit eventually consistent', async () => {
    const count = countCapacity(db.documentClient);

    await db.documentClient.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'TENANT#nobody#TEST' },
      }),
    );

    expect(count.readUnits).toBe(0.5);
  });

  it('adds a write unit per secondary index the item is written to', async () => {
    const count = countCapacity(db.documentClient);

    await db.documentClient.send(
      new PutCommand({
        TableName: db.tableName,
        Item: item('b', 10, { gsi1pk: 'TENANT#t#LIST', gsi1sk: '1' }),
      }),
    );

    expect(count.writeUnits).toBe(2);
  });

  it('counts a transaction’s items twice, sized from the request', async () => {
    const count = countCapacity(db.documentClient);

    await db.documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: db.tableName, Item: item('c', 1_500) } },
          { Put: { TableName: db.tableName, Item: item('d', 10) } },
        ],
      }),
    );

    expect(count.writeUnits).toBe(2 * 2 + 2 * 1);
  });
});

describe('itemBytes', () => {
  it('adds attribute names and values', () => {
    expect(itemBytes({ pk: 'abc', flag: true })).toBe(2 + 3 + 4 + 1);
  });
});
