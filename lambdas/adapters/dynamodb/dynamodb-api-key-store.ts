import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord, ApiKeyStore } from '../../core/ports/api-key-store.js';
import { dynamoCall } from './dynamodb-errors.js';
import { LISTING_INDEX } from './table-schema.js';

const keyOf = (keyHash: string) => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' });

const toRecord = (item: Record<string, unknown>): ApiKeyRecord => ({
  keyId: String(item.keyId),
  tenantId: String(item.tenantId),
  keyHash: String(item.keyHash),
  prefix: String(item.prefix),
  createdAt: String(item.createdAt),
  ...(item.lastUsedAt ? { lastUsedAt: String(item.lastUsedAt) } : {}),
  ...(item.revokedAt ? { revokedAt: String(item.revokedAt) } : {}),
});

/**
 * {@link ApiKeyStore} on the application table. A key's item is addressed by its hash (the
 * authentication lookup is one `GetItem`) and listed through the listing index under
 * `APIKEYS`, sorted by tenant then creation time.
 */
export class DynamoDbApiKeyStore implements ApiKeyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(record: ApiKeyRecord): Promise<void> {
    await dynamoCall(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keyOf(record.keyHash),
            type: 'ApiKey',
            ...record,
            gsi1pk: 'APIKEYS',
            gsi1sk: `${record.tenantId}#${record.createdAt}#${record.keyId}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await dynamoCall(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: keyOf(keyHash) })),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async list(tenantId?: string): Promise<ApiKeyRecord[]> {
    const records: ApiKeyRecord[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        IndexName: LISTING_INDEX,
        KeyConditionExpression: tenantId
          ? 'gsi1pk = :pk AND begins_with(gsi1sk, :tenant)'
          : 'gsi1pk = :pk',
        ExpressionAttributeValues: {
          ':pk': 'APIKEYS',
          ...(tenantId ? { ':tenant': `${tenantId}#` } : {}),
        },
      },
    );
    await dynamoCall(async () => {
      for await (const page of pages) records.push(...(page.Items ?? []).map(toRecord));
    });
    return records;
  }

  async revoke(keyId: string, at: string): Promise<boolean> {
    const record = (await this.list()).find((candidate) => candidate.keyId === keyId);
    if (!record) return false;
    await dynamoCall(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(record.keyHash),
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
    return true;
  }

  async touch(keyHash: string, at: string): Promise<void> {
    await dynamoCall(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(keyHash),
          UpdateExpression: 'SET lastUsedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
  }
}
