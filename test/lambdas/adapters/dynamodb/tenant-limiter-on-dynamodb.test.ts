import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStreamSlots } from '../../../../lambdas/adapters/dynamodb/dynamodb-stream-slots.js';
import { DynamoDbTenantLimitsStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-tenant-limits-store.js';
import { DynamoDbUsageMeter } from '../../../../lambdas/adapters/dynamodb/dynamodb-usage-meter.js';
import { TenantLimiter, TOKENS } from '../../../../lambdas/core/limits/tenant-limiter.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';
import { tokenUsage } from '../../../support/token-usage.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.close());

/** One container's limiter: its own adapters and cache, the shared table. */
const container = (
  clock: ManualClock,
  defaults = {
    requestsPerMinute: 20,
    tokensPerDay: 1_000,
    concurrentStreams: 4,
    concurrentFollowers: 8,
  },
) =>
  new TenantLimiter({
    meter: new DynamoDbUsageMeter(db.documentClient, { tableName: db.tableName, clock }),
    limits: new DynamoDbTenantLimitsStore(db.documentClient, db.tableName),
    slots: new DynamoDbStreamSlots(db.documentClient, { tableName: db.tableName, clock }),
    followerSlots: new DynamoDbStreamSlots(db.documentClient, {
      tableName: db.tableName,
      clock,
      pool: 'FOLLOWERS',
    }),
    defaults,
    clock,
  });

describe('TenantLimiter on DynamoDB', () => {
  it('admits exactly the limit of 50 concurrent requests spread over two containers', async () => {
    const clock = new ManualClock('2026-03-01T10:00:05.000Z');
    const containers = [container(clock), container(clock)];

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) => containers[index % 2]!.admitRequest('busy')),
    );

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(20);
  });

  it('overshoots the token budget under 50 concurrent answers by at most the answers in flight', async () => {
    const clock = new ManualClock('2026-03-01T10:00:05.000Z');
    const limiter = container(clock);
    const perAnswer = 100;

    await Promise.allSettled(
      Array.from({ length: 50 }, async () => {
        await limiter.checkTokenBudget('spender');
        await limiter.recordTokens('spender', tokenUsage(perAnswer - 20, 20));
      }),
    );
    const meter = new DynamoDbUsageMeter(db.documentClient, { tableName: db.tableName, clock });

    expect(await meter.read('spender', TOKENS)).toBeLessThanOrEqual(1_000 + 50 * perAnswer);
    await expect(limiter.checkTokenBudget('spender')).rejects.toMatchObject({ status: 429 });
  });

  it('reads the limits set with the keys CLI store in a new container', async () => {
    const clock = new ManualClock('2026-03-01T10:00:05.000Z');
    await new DynamoDbTenantLimitsStore(db.documentClient, db.tableName).put('acme', {
      requestsPerMinute: 1,
    });
    const fresh = container(clock);
    await fresh.admitRequest('acme');

    await expect(fresh.admitRequest('acme')).rejects.toMatchObject({ status: 429 });
  });
});
