import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStreamSlots } from '../../../../lambdas/adapters/dynamodb/dynamodb-stream-slots.js';
import { DynamoDbTenantLimitsStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-tenant-limits-store.js';
import { DynamoDbTenantSnapshots } from '../../../../lambdas/adapters/dynamodb/dynamodb-tenant-snapshots.js';
import { DynamoDbUsageMeter } from '../../../../lambdas/adapters/dynamodb/dynamodb-usage-meter.js';
import { REQUESTS, TOKENS } from '../../../../lambdas/core/limits/tenant-limiter.js';
import type { CounterRead } from '../../../../lambdas/core/ports/usage-meter.js';
import { describeStreamSlotsContract } from '../../../contracts/stream-slots-contract.js';
import {
  describeTenantLimitsStoreContract,
  describeUsageMeterContract,
} from '../../../contracts/usage-meter-contract.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.close());

describeUsageMeterContract(
  'DynamoDbUsageMeter',
  async (clock) => new DynamoDbUsageMeter(db.documentClient, { tableName: db.tableName, clock }),
);

describeTenantLimitsStoreContract(
  'DynamoDbTenantLimitsStore',
  async () => new DynamoDbTenantLimitsStore(db.documentClient, db.tableName),
);

describe('DynamoDbUsageMeter', () => {
  it('keeps its counts for a new adapter instance (a new container)', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const first = new DynamoDbUsageMeter(db.documentClient, { tableName: db.tableName, clock });
    await first.take('restart-tenant', REQUESTS, 1, 2);
    await first.take('restart-tenant', REQUESTS, 1, 2);

    const restarted = new DynamoDbUsageMeter(db.documentClient, { tableName: db.tableName, clock });
    const after = await restarted.take('restart-tenant', REQUESTS, 1, 2);

    expect(after.allowed).toBe(false);
  });

  it('overshoots a sharded limit by less than the number of shards under 50 concurrent takes', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const meter = new DynamoDbUsageMeter(db.documentClient, {
      tableName: db.tableName,
      clock,
      shards: 4,
    });

    await Promise.all(Array.from({ length: 50 }, () => meter.take('sharded', REQUESTS, 1, 21)));

    const counted = await meter.read('sharded', REQUESTS);
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThan(21 + 4);
  });
});

/**
 * A document client on the test table that counts its `BatchGetItem` calls and, like a
 * throttled table, processes at most `processed` keys of each, returning the rest as
 * `UnprocessedKeys`.
 */
const throttledClient = (processed = Number.POSITIVE_INFINITY) => {
  const batches: number[] = [];
  const client = db.newDocumentClient();
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as {
        RequestItems?: Record<string, { Keys?: Record<string, unknown>[] }>;
      };
      const [table, request] = Object.entries(input.RequestItems ?? {})[0] ?? [];
      if (!table || !request?.Keys) return next(args);
      batches.push(request.Keys.length);
      const sent: Record<string, unknown>[] = request.Keys.slice(0, processed);
      const left = request.Keys.slice(sent.length);
      const result = await next({
        ...args,
        input: { RequestItems: { [table]: { ...request, Keys: sent } } },
      });
      const output = result.output as { UnprocessedKeys?: Record<string, unknown> };
      if (left.length > 0) output.UnprocessedKeys = { [table]: { ...request, Keys: left } };
      return result;
    },
    { step: 'initialize', name: 'throttleBatchGets' },
  );
  return { client, batches };
};

const DAY_MS = 86_400_000;

/** 30 days × 8 counters, as `GET /v1/usage` reads them. */
const usageReads = (today: Date): CounterRead[] =>
  Array.from({ length: 30 }, (_, day) => new Date(today.getTime() - day * DAY_MS)).flatMap((at) =>
    Array.from({ length: 8 }, (_, index) => ({
      counter: { name: `usage-${index}`, windowSeconds: 86_400 },
      at,
    })),
  );

describe('DynamoDbUsageMeter.readMany', () => {
  it('reads 30 days × 8 counters in four BatchGetItem calls of at most 100 keys (today and yesterday apart)', async () => {
    const clock = new ManualClock('2026-04-30T10:00:00.000Z');
    const writer = new DynamoDbUsageMeter(db.documentClient, { tableName: db.tableName, clock });
    const reads = usageReads(clock.now());
    await Promise.all(
      reads.map((read, index) => writer.add('batched', read.counter, index + 1, read.at)),
    );
    const { client, batches } = throttledClient();
    const meter = new DynamoDbUsageMeter(client, { tableName: db.tableName, clock });

    const counts = await meter.readMany('batched', reads);

    expect(counts).toEqual(reads.map((_, index) => index + 1));
    expect(batches.sort((a, b) => b - a)).toEqual([100, 100, 24, 16]);
  });

  it('reads consistently only the windows that may still be counted in: today and yesterday', async () => {
    // Arrange: a client that counts the keys of consistent and eventually consistent reads.
    const clock = new ManualClock('2026-07-30T10:00:00.000Z');
    const writer = new DynamoDbUsageMeter(db.documentClient, { tableName: db.tableName, clock });
    const reads = usageReads(clock.now());
    await Promise.all(
      reads.map((read, index) => writer.add('read-units', read.counter, index + 1, read.at)),
    );
    const keys = { consistent: 0, eventual: 0 };
    const client = db.newDocumentClient();
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as {
          RequestItems?: Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>;
        };
        for (const request of Object.values(input.RequestItems ?? {})) {
          keys[request.ConsistentRead ? 'consistent' : 'eventual'] += request.Keys?.length ?? 0;
        }
        return next(args);
      },
      { step: 'initialize', name: 'countReadKeys' },
    );
    const meter = new DynamoDbUsageMeter(client, { tableName: db.tableName, clock });

    // Act
    const counts = await meter.readMany('read-units', reads);

    // Assert: 16 read units + 224 half units = 128, where all 240 consistent were 240.
    expect(counts).toEqual(reads.map((_, index) => index + 1));
    expect(keys).toEqual({ consistent: 16, eventual: 224 });
  });

  it('retries the keys left unprocessed until every count is read', async () => {
    const clock = new ManualClock('2026-05-30T10:00:00.000Z');
    const writer = new DynamoDbUsageMeter(db.documentClient, { tableName: db.tableName, clock });
    const reads = usageReads(clock.now()).slice(0, 120);
    await Promise.all(
      reads.map((read, index) => writer.add('throttled', read.counter, index + 1, read.at)),
    );
    const { client, batches } = throttledClient(30);
    const meter = new DynamoDbUsageMeter(client, { tableName: db.tableName, clock });

    const counts = await meter.readMany('throttled', reads);

    expect(counts).toEqual(reads.map((_, index) => index + 1));
    // Today's and yesterday's 16 keys: one call; the older 104: 100 at 30 a call (100, 70, 40,
    // 10), then 4.
    expect(batches.sort((a, b) => b - a)).toEqual([100, 70, 40, 16, 10, 4]);
  });

  it('sums the shards of each window', async () => {
    const clock = new ManualClock('2026-06-30T10:00:00.000Z');
    const meter = new DynamoDbUsageMeter(db.documentClient, {
      tableName: db.tableName,
      clock,
      shards: 4,
    });
    for (let index = 0; index < 20; index += 1) await meter.add('shard-reads', TOKENS, 5);

    const counts = await meter.readMany('shard-reads', [
      { counter: TOKENS, at: clock.now() },
      { counter: TOKENS, at: new Date('2026-06-29T10:00:00.000Z') },
    ]);

    expect(counts).toEqual([100, 0]);
  });
});

describe('DynamoDbTenantSnapshots', () => {
  it("reads a tenant's overrides and counts in one BatchGetItem", async () => {
    const clock = new ManualClock('2026-07-01T10:00:30.000Z');
    await new DynamoDbTenantLimitsStore(db.documentClient, db.tableName).put('snapshot', {
      tokensPerDay: 9_000,
    });
    const meter = new DynamoDbUsageMeter(db.documentClient, { tableName: db.tableName, clock });
    await meter.take('snapshot', REQUESTS, 3, 100);
    await meter.add('snapshot', TOKENS, 700);
    const { client, batches } = throttledClient();

    const snapshot = await new DynamoDbTenantSnapshots(client, { tableName: db.tableName }).read(
      'snapshot',
      [
        { counter: REQUESTS, at: clock.now() },
        { counter: TOKENS, at: clock.now() },
      ],
    );

    expect(snapshot).toEqual({ overrides: { tokensPerDay: 9_000 }, counts: [3, 700] });
    expect(batches).toEqual([3]);
  });

  it('has no overrides and zero counts for a tenant never seen', async () => {
    const { client } = throttledClient();

    const snapshot = await new DynamoDbTenantSnapshots(client, { tableName: db.tableName }).read(
      'never-seen',
      [{ counter: REQUESTS, at: new Date('2026-07-01T10:00:00.000Z') }],
    );

    expect(snapshot).toEqual({ overrides: undefined, counts: [0] });
  });
});

describeStreamSlotsContract(
  'DynamoDbStreamSlots',
  async (clock) => new DynamoDbStreamSlots(db.documentClient, { tableName: db.tableName, clock }),
);

describeStreamSlotsContract(
  'DynamoDbStreamSlots (followers pool)',
  async (clock) =>
    new DynamoDbStreamSlots(db.documentClient, {
      tableName: db.tableName,
      clock,
      pool: 'FOLLOWERS',
    }),
);

describe('DynamoDbStreamSlots pools', () => {
  it("keeps a tenant's followers apart from its streams on one table", async () => {
    // Arrange: the tenant's one stream slot held.
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const lease = new Date('2026-03-01T10:15:00.000Z');
    const options = { tableName: db.tableName, clock };
    const streams = new DynamoDbStreamSlots(db.documentClient, options);
    const followers = new DynamoDbStreamSlots(db.documentClient, { ...options, pool: 'FOLLOWERS' });
    await streams.acquire('pools-tenant', 'stream-1', 1, lease);

    // Act
    const follower = await followers.acquire('pools-tenant', 'follower-1', 1, lease);

    // Assert: each pool is full now, apart.
    expect(follower).toBe(true);
    expect(await streams.acquire('pools-tenant', 'stream-2', 1, lease)).toBe(false);
    expect(await followers.acquire('pools-tenant', 'follower-2', 1, lease)).toBe(false);
  });
});
