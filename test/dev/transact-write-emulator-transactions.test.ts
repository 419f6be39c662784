import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynaliteHandle, startDynalite } from '../support/dynalite.js';

describe.each([
  ['calling dynalite in its thread', true],
  ['calling dynalite over HTTP', false],
])('startTransactWriteEmulator, %s', (_, sameThread) => {
  let db: DynaliteHandle;

  beforeAll(async () => {
    db = await startDynalite('app-test', { sameThread });
  });
  afterAll(() => db.close());

  const counter = async (pk: string) =>
    (
      await db.documentClient.send(
        new GetCommand({ TableName: db.tableName, Key: { pk, sk: 'N' } }),
      )
    ).Item?.n as number | undefined;

  const addOne = (pk: string) => ({
    Update: {
      TableName: db.tableName,
      Key: { pk, sk: 'N' },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': 1 },
    },
  });

  it('applies every action of a transaction', async () => {
    await db.documentClient.send(
      new TransactWriteCommand({ TransactItems: [addOne('all-a'), addOne('all-b')] }),
    );

    expect([await counter('all-a'), await counter('all-b')]).toEqual([1, 1]);
  });

  it('cancels the whole transaction when one condition fails, naming that action', async () => {
    await db.documentClient.send(
      new PutCommand({ TableName: db.tableName, Item: { pk: 'taken', sk: 'N', n: 7 } }),
    );

    const attempt = db.documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          addOne('cancelled'),
          {
            Put: {
              TableName: db.tableName,
              Item: { pk: 'taken', sk: 'N', n: 0 },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );

    await expect(attempt).rejects.toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });
    expect([await counter('cancelled'), await counter('taken')]).toEqual([undefined, 7]);
  });

  it('keeps racing transactions on a shared item atomic, cancelled ones included', async () => {
    await db.documentClient.send(
      new PutCommand({ TableName: db.tableName, Item: { pk: 'blocked', sk: 'N', n: 0 } }),
    );
    const racers = Array.from({ length: 20 }, (_, i) =>
      db.documentClient.send(
        new TransactWriteCommand({
          TransactItems: [
            addOne('shared'),
            i % 2 === 0
              ? addOne(`own-${i}`)
              : {
                  Put: {
                    TableName: db.tableName,
                    Item: { pk: 'blocked', sk: 'N', n: i },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
          ],
        }),
      ),
    );

    const settled = await Promise.allSettled(racers);

    expect(settled.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    expect(await counter('shared')).toBe(10);
    expect(await counter('blocked')).toBe(0);
  });
});
