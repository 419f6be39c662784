import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TENANT_LIMIT_NAMES, type TenantLimits } from '../../core/limits/tenant-limits.js';
import type { TenantLimitsStore } from '../../core/ports/tenant-limits-store.js';
import { dynamoCall } from './dynamodb-errors.js';

/** The key of a tenant's limits item: `TENANT#<t>#LIMITS` / `LIMITS`. */
export const tenantLimitsKey = (tenantId: string) => ({
  pk: `TENANT#${tenantId}#LIMITS`,
  sk: 'LIMITS',
});

const keyOf = tenantLimitsKey;

/**
 * The overrides a limits item holds (its numeric limit attributes); undefined without an item.
 *
 * @example
 * limitsOfItem({ requestsPerMinute: 10 }) // { requestsPerMinute: 10 }
 */
export const limitsOfItem = (
  item: Record<string, unknown> | undefined,
): Partial<TenantLimits> | undefined => {
  if (!item) return undefined;
  const limits: Partial<TenantLimits> = {};
  for (const name of TENANT_LIMIT_NAMES) {
    const value = item[name];
    if (typeof value === 'number') limits[name] = value;
  }
  return limits;
};

/**
 * {@link TenantLimitsStore} on the application table: one item per tenant,
 * `TENANT#<t>#LIMITS` / `LIMITS`, holding only the limits set on the tenant.
 */
export class DynamoDbTenantLimitsStore implements TenantLimitsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string): Promise<Partial<TenantLimits> | undefined> {
    const { Item } = await dynamoCall(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: keyOf(tenantId) })),
    );
    return limitsOfItem(Item);
  }

  async put(tenantId: string, overrides: Partial<TenantLimits>): Promise<void> {
    const names = TENANT_LIMIT_NAMES.filter((name) => overrides[name] !== undefined);
    await dynamoCall(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(tenantId),
          UpdateExpression: `SET #type = :type, tenantId = :tenant${names
            .map((name) => `, #${name} = :${name}`)
            .join('')}`,
          ExpressionAttributeNames: {
            '#type': 'type',
            ...Object.fromEntries(names.map((name) => [`#${name}`, name])),
          },
          ExpressionAttributeValues: {
            ':type': 'TenantLimits',
            ':tenant': tenantId,
            ...Object.fromEntries(names.map((name) => [`:${name}`, overrides[name]])),
          },
        }),
      ),
    );
  }
}
