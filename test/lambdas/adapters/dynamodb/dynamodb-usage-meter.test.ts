import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStreamSlots } from '../../../../lambdas/adapters/dynamodb/dynamodb-stream-slots.js';
import { DynamoDbTenantLimitsStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-tenant-limits-store.js';
import { DynamoDbUsageMeter } from '../../../../lambdas/adapters/dynamodb/dynamodb-usage-meter.js';
import { REQUESTS } from '../../../../lambdas/core/limits/tenant-limiter.js';
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

describeStreamSlotsContract(
  'DynamoDbStreamSlots',
  async (clock) => new DynamoDbStreamSlots(db.documentClient, { tableName: db.tableName, clock }),
);
