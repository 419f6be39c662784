import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../core/ports/clock.js';
import type { StreamSlots } from '../../core/ports/stream-slots.js';
import { dynamoCall } from './dynamodb-errors.js';

/** The pools of slots a tenant has: its streaming answers', and its followers' (resumes). */
export type SlotPool = 'STREAMS' | 'FOLLOWERS';

/** Options of {@link DynamoDbStreamSlots}. */
export interface DynamoDbStreamSlotsOptions {
  tableName: string;
  clock: Clock;
  /** The pool of slots this instance takes from (default `STREAMS`). */
  pool?: SlotPool;
}

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Attempts of one acquire: take, then create the item or clear expired leases, then take. */
const ATTEMPTS = 8;

/**
 * {@link StreamSlots} on the application table: one item per tenant and pool,
 * `TENANT#<t>#STREAMS` / `STREAMS` (streaming answers) or `TENANT#<t>#FOLLOWERS` /
 * `FOLLOWERS` (resumes following them), whose `leases` map holds each holder's lease end
 * (epoch ms).
 *
 * Taking a slot is one `UpdateItem` that sets the stream's lease on the condition that the map
 * holds fewer leases than the limit, so concurrent opens never exceed it. Only when that
 * condition fails (the item is new, or full) is the item read: it is created, or its expired
 * leases (a crashed stream's) are removed on the condition that they are unchanged, and the
 * take is tried again. Releasing removes the stream's entry.
 *
 * @example
 * const slots = new DynamoDbStreamSlots(documentClient, { tableName, clock: systemClock });
 * if (!(await slots.acquire('acme', streamId, 4, leaseUntil))) refuse();
 */
export class DynamoDbStreamSlots implements StreamSlots {
  readonly #pool: SlotPool;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: DynamoDbStreamSlotsOptions,
  ) {
    this.#pool = options.pool ?? 'STREAMS';
  }

  /** The item of the tenant's pool. */
  #keyOf(tenantId: string) {
    return { pk: `TENANT#${tenantId}#${this.#pool}`, sk: this.#pool };
  }

  async acquire(
    tenantId: string,
    streamId: string,
    limit: number,
    leaseUntil: Date,
  ): Promise<boolean> {
    if (limit <= 0) return false;
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      if (await this.#take(tenantId, streamId, limit, leaseUntil)) return true;
      const { Item } = await dynamoCall(() =>
        this.client.send(
          new GetCommand({
            TableName: this.options.tableName,
            Key: this.#keyOf(tenantId),
            ConsistentRead: true,
          }),
        ),
      );
      const leases = (Item?.leases ?? undefined) as Record<string, number> | undefined;
      if (!leases) {
        if (await this.#create(tenantId, streamId, leaseUntil)) return true;
        continue;
      }
      // Room left: the take lost a race (the map was being created, or another slot was taken
      // between the condition and now); take again.
      if (Object.keys(leases).length < limit) continue;
      const now = this.options.clock.now().getTime();
      const expired = Object.entries(leases).filter(([, until]) => until <= now);
      if (expired.length === 0) return false;
      await this.#clear(tenantId, expired);
    }
    return false;
  }

  async release(tenantId: string, streamId: string): Promise<void> {
    await dynamoCall(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: this.#keyOf(tenantId),
          UpdateExpression: 'REMOVE leases.#stream',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#stream': streamId },
        }),
      ),
    ).catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
  }

  async #take(tenantId: string, streamId: string, limit: number, leaseUntil: Date) {
    try {
      await dynamoCall(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.options.tableName,
            Key: this.#keyOf(tenantId),
            UpdateExpression: 'SET leases.#stream = :until',
            ConditionExpression: 'size(leases) < :limit',
            ExpressionAttributeNames: { '#stream': streamId },
            ExpressionAttributeValues: { ':until': leaseUntil.getTime(), ':limit': limit },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async #create(tenantId: string, streamId: string, leaseUntil: Date) {
    try {
      await dynamoCall(() =>
        this.client.send(
          new PutCommand({
            TableName: this.options.tableName,
            Item: {
              ...this.#keyOf(tenantId),
              type: 'StreamSlots',
              leases: { [streamId]: leaseUntil.getTime() },
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async #clear(tenantId: string, expired: [string, number][]) {
    const names = Object.fromEntries(expired.map(([id], index) => [`#s${index}`, id]));
    const values = Object.fromEntries(expired.map(([, until], index) => [`:u${index}`, until]));
    await dynamoCall(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: this.#keyOf(tenantId),
          UpdateExpression: `REMOVE ${expired.map((_, index) => `leases.#s${index}`).join(', ')}`,
          ConditionExpression: expired
            .map((_, index) => `leases.#s${index} = :u${index}`)
            .join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    ).catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
  }
}
