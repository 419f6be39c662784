import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../core/ports/clock.js';
import {
  type CounterRead,
  type CounterSpec,
  fixedWindow,
  type UsageMeter,
  type WindowCount,
} from '../../core/ports/usage-meter.js';
import { batchGetItems, keyId, type TableKey } from './batch-get-items.js';
import { dynamoCall } from './dynamodb-errors.js';

/** Options of {@link DynamoDbUsageMeter}. */
export interface DynamoDbUsageMeterOptions {
  tableName: string;
  clock: Clock;
  /**
   * Items each counter's window is spread over (default 1). A take lands on one shard chosen at
   * random and is limited to that shard's share of the limit (`ceil(limit / shards)`), so a hot
   * tenant's writes spread over `shards` partition keys; the count may then exceed the limit by
   * less than `shards`, and a take may be refused by a full shard while another has room.
   */
  shards?: number;
}

const DAY_SECONDS = 86_400;

/**
 * How long after its end a window may still be counted in: a container writes the usage it
 * kept locally to the window it was counted in, within `TENANT_ALLOWANCE_MAX_AGE_MS` of its
 * next request, and Lambda recycles an idle container within hours. A day is ample.
 */
export const SETTLED_AFTER_SECONDS = DAY_SECONDS;

/** How long a window's counter outlives the window: days are kept for the 30-day usage view. */
const retentionSeconds = (counter: CounterSpec) =>
  counter.windowSeconds >= DAY_SECONDS ? 40 * DAY_SECONDS : 3_600;

/**
 * The key of one shard of a counter's window: `TENANT#<t>#USAGE#<name>#<windowStart>` /
 * `SHARD#<n>`.
 *
 * @example
 * usageCounterKey('acme', { name: 'requests', windowSeconds: 60 }, start, 0)
 */
export const usageCounterKey = (
  tenantId: string,
  counter: CounterSpec,
  windowStart: Date,
  shard: number,
): TableKey => ({
  pk: `TENANT#${tenantId}#USAGE#${counter.name}#${windowStart.toISOString()}`,
  sk: `SHARD#${shard}`,
});

/**
 * The keys of every shard of each read's window, and a function that sums a batch read's items
 * back into one count per read (a missing item counts 0).
 *
 * @example
 * const { keys, countsOf } = counterReads('acme', reads, 1);
 * const counts = countsOf(await batchGetItems(client, keys, options));
 */
export const counterReads = (
  tenantId: string,
  reads: readonly CounterRead[],
  shards: number,
): { keys: TableKey[]; countsOf: (items: Map<string, Record<string, unknown>>) => number[] } => {
  const perRead = reads.map(({ counter, at }) => {
    const { start } = fixedWindow(at, counter.windowSeconds);
    return Array.from({ length: shards }, (_, shard) =>
      usageCounterKey(tenantId, counter, start, shard),
    );
  });
  return {
    keys: perRead.flat(),
    countsOf: (items) =>
      perRead.map((keys) =>
        keys.reduce((sum, key) => sum + Number(items.get(keyId(key))?.used ?? 0), 0),
      ),
  };
};

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * {@link UsageMeter} on the application table: one item per tenant, counter, fixed window
 * (and shard), `pk = TENANT#<t>#USAGE#<name>#<windowStart>`, `sk = SHARD#<n>`, expiring
 * through the table's TTL once the window is past its retention.
 *
 * A take is a single `UpdateItem` that `ADD`s the amount under the condition that the count
 * stays within the limit, so it is atomic: any number of concurrent takes from any number of
 * containers never count past the limit, and a refused take changes nothing. Counters live in
 * the table only, so they survive a container restart.
 *
 * Why a fixed window rather than a sliding one: a fixed window is one item and one
 * conditional write per request, which DynamoDB makes atomic; a sliding log needs one item
 * per request and a query, and a sliding-window estimate needs the previous window's count
 * too (a second read) and is still not exact. The price is a burst at a window boundary: a
 * tenant may send up to twice its per-minute quota within a minute that straddles two
 * windows — a bounded, documented overshoot that protects the service just as well. The
 * window being part of the partition key also spreads a tenant's counters over time.
 *
 * @example
 * const meter = new DynamoDbUsageMeter(documentClient, { tableName, clock: systemClock });
 * await meter.take('acme', { name: 'requests', windowSeconds: 60 }, 1, 120);
 */
export class DynamoDbUsageMeter implements UsageMeter {
  readonly #shards: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: DynamoDbUsageMeterOptions,
  ) {
    this.#shards = Math.max(1, Math.floor(options.shards ?? 1));
  }

  async take(
    tenantId: string,
    counter: CounterSpec,
    amount: number,
    limit: number,
  ): Promise<WindowCount> {
    const window = fixedWindow(this.options.clock.now(), counter.windowSeconds);
    const shardLimit = Math.ceil(limit / this.#shards);
    if (amount > shardLimit) return { allowed: false, used: limit, resetAt: window.end };
    try {
      const used = await this.#update(tenantId, counter, window, amount, shardLimit - amount);
      return {
        allowed: true,
        used: this.#shards === 1 ? used : await this.#sum(tenantId, counter, window.start),
        resetAt: window.end,
      };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { allowed: false, used: limit, resetAt: window.end };
    }
  }

  async add(
    tenantId: string,
    counter: CounterSpec,
    amount: number,
    at?: Date,
  ): Promise<WindowCount> {
    const window = fixedWindow(at ?? this.options.clock.now(), counter.windowSeconds);
    const used = await this.#update(tenantId, counter, window, amount);
    return {
      allowed: true,
      used: this.#shards === 1 ? used : await this.#sum(tenantId, counter, window.start),
      resetAt: window.end,
    };
  }

  async read(tenantId: string, counter: CounterSpec, at?: Date): Promise<number> {
    const window = fixedWindow(at ?? this.options.clock.now(), counter.windowSeconds);
    return this.#sum(tenantId, counter, window.start);
  }

  /**
   * Reads every window asked for with `BatchGetItem`s (100 keys a call, sent at once;
   * unprocessed keys retried): 30 days × 8 counters are three calls on one shard. A window that
   * may still be counted in (one that ended less than {@link SETTLED_AFTER_SECONDS} ago, the
   * current one included) is read consistently; an older one eventually consistently, at half
   * the read units: nothing writes to it any more, so the two reads agree. `GET /v1/usage` thus
   * reads 16 of its 240 keys consistently: 128 read units instead of 240.
   */
  async readMany(tenantId: string, reads: readonly CounterRead[]): Promise<number[]> {
    const settledBefore = this.options.clock.now().getTime() - SETTLED_AFTER_SECONDS * 1000;
    const settled = (read: CounterRead) =>
      fixedWindow(read.at, read.counter.windowSeconds).end.getTime() <= settledBefore;
    const keysOf = (some: readonly CounterRead[]) =>
      counterReads(tenantId, some, this.#shards).keys;
    const { tableName } = this.options;
    const [open, past] = await Promise.all([
      batchGetItems(this.client, keysOf(reads.filter((read) => !settled(read))), {
        tableName,
        consistentRead: true,
      }),
      batchGetItems(this.client, keysOf(reads.filter(settled)), { tableName }),
    ]);
    return counterReads(tenantId, reads, this.#shards).countsOf(new Map([...past, ...open]));
  }

  async #update(
    tenantId: string,
    counter: CounterSpec,
    window: { start: Date; end: Date },
    amount: number,
    ceiling?: number,
  ): Promise<number> {
    const shard = Math.floor(Math.random() * this.#shards);
    const expiresAt = Math.floor(window.end.getTime() / 1000) + retentionSeconds(counter);
    const result = await dynamoCall(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: this.#key(tenantId, counter, window.start, shard),
          UpdateExpression: 'ADD #used :amount SET expiresAt = :expiresAt',
          ...(ceiling === undefined
            ? {}
            : { ConditionExpression: 'attribute_not_exists(#used) OR #used <= :ceiling' }),
          ExpressionAttributeNames: { '#used': 'used' },
          ExpressionAttributeValues: {
            ':amount': amount,
            ':expiresAt': expiresAt,
            ...(ceiling === undefined ? {} : { ':ceiling': ceiling }),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    return Number(result.Attributes?.used ?? amount);
  }

  async #sum(tenantId: string, counter: CounterSpec, windowStart: Date): Promise<number> {
    const counts = await Promise.all(
      Array.from({ length: this.#shards }, async (_, shard) => {
        const { Item } = await dynamoCall(() =>
          this.client.send(
            new GetCommand({
              TableName: this.options.tableName,
              Key: this.#key(tenantId, counter, windowStart, shard),
              ConsistentRead: true,
            }),
          ),
        );
        return Number(Item?.used ?? 0);
      }),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }

  #key(tenantId: string, counter: CounterSpec, windowStart: Date, shard: number) {
    return usageCounterKey(tenantId, counter, windowStart, shard);
  }
}
