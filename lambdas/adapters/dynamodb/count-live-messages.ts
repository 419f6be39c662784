import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoCall } from './dynamodb-errors.js';

/**
 * How many messages of the session partition `pk` have not expired at `epoch` (seconds, as
 * `expiresAt` counts): one `Query` with `Select: COUNT` per megabyte of messages. DynamoDB's
 * TTL deletes an expired message up to days late, so the stored items alone overcount.
 *
 * @example
 * const live = await countLiveMessages(client, tableName, 'TENANT#acme#SESSION#s1', nowEpoch);
 */
export async function countLiveMessages(
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  epoch: number,
): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoCall(() =>
      client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
          FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :epoch',
          ExpressionAttributeValues: { ':pk': pk, ':msg': 'MSG#', ':epoch': epoch },
          Select: 'COUNT',
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}
