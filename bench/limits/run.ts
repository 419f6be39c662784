/**
 * Tenant limits: the latency the checks add to a chat (p50, p99) and their DynamoDB cost per
 * 1 000 chats, without the per-container allowance (every count written at once, as before
 * it) and with it (blocks of `TENANT_ALLOWANCE_*`'s defaults), in the same run. Runs
 * `TenantLimiter` over the DynamoDB adapters against dynalite (a local DynamoDB: its latency
 * is a floor, not AWS's), counting the calls through an SDK middleware, background writes
 * included: before the answer the request-rate take and the token budget check, after it the
 * usage record. Then the first chat of a tenant in each of many new containers (the limits and
 * counts read at once, then decided), with and without the allowance.
 *
 * Run with `npx tsx bench/limits/run.ts [chats]` (prints its table, writes no results file).
 */
import { pathToFileURL } from 'node:url';
import { DynamoDbStreamSlots } from '../../lambdas/adapters/dynamodb/dynamodb-stream-slots.js';
import { DynamoDbTenantLimitsStore } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-limits-store.js';
import { DynamoDbTenantSnapshots } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-snapshots.js';
import { DynamoDbUsageMeter } from '../../lambdas/adapters/dynamodb/dynamodb-usage-meter.js';
import { type AllowanceBlocks, TenantLimiter } from '../../lambdas/core/limits/tenant-limiter.js';
import { systemClock } from '../../lambdas/core/ports/clock.js';
import { type DynaliteHandle, startDynalite } from '../../test/support/dynalite.js';
import { now, percentile } from '../lib/stats.js';

/** On-demand prices (USD per million request units, us-east-1, 2025). */
const PRICE_PER_MILLION = { write: 0.625, read: 0.125 };

const WRITES = new Set(['UpdateItemCommand', 'PutItemCommand', 'DeleteItemCommand']);

const USAGE = { promptTokens: 1_200, completionTokens: 300, totalTokens: 1_500 };

/** The allowance as deployed by default (`TENANT_ALLOWANCE_REQUESTS` / `_TOKENS`). */
const DEFAULT_BLOCKS: AllowanceBlocks = { requests: 10, tokens: 5_000 };

interface Measured {
  check: number[];
  record: number[];
  calls: { write: number; read: number };
}

/** A container's limiter over the bench's table. */
const newLimiter = (db: DynaliteHandle, blocks: AllowanceBlocks) =>
  new TenantLimiter({
    meter: new DynamoDbUsageMeter(db.documentClient, {
      tableName: db.tableName,
      clock: systemClock,
    }),
    limits: new DynamoDbTenantLimitsStore(db.documentClient, db.tableName),
    snapshots: new DynamoDbTenantSnapshots(db.documentClient, { tableName: db.tableName }),
    slots: new DynamoDbStreamSlots(db.documentClient, {
      tableName: db.tableName,
      clock: systemClock,
    }),
    followerSlots: new DynamoDbStreamSlots(db.documentClient, {
      tableName: db.tableName,
      clock: systemClock,
      pool: 'FOLLOWERS',
    }),
    defaults: {
      requestsPerMinute: 1_000_000,
      tokensPerDay: 1_000_000_000,
      concurrentStreams: 100,
      concurrentFollowers: 8,
    },
    clock: systemClock,
    blocks,
  });

/** `chats` chats' limit checks, one after the other, for one tenant of one container. */
const measure = async (
  db: DynaliteHandle,
  calls: { write: number; read: number },
  tenant: string,
  chats: number,
  blocks: AllowanceBlocks,
): Promise<Measured> => {
  const limiter = newLimiter(db, blocks);
  await limiter.limitsOf(tenant);
  calls.write = 0;
  calls.read = 0;
  const check: number[] = [];
  const record: number[] = [];
  for (let chat = 0; chat < chats; chat += 1) {
    const start = now();
    await limiter.admitRequest(tenant);
    await limiter.checkTokenBudget(tenant);
    const checked = now();
    await limiter.recordTokens(tenant, USAGE);
    check.push(checked - start);
    record.push(now() - checked);
  }
  await limiter.flush();
  return { check, record, calls: { ...calls } };
};

/** The check before the answer of a tenant's first chat in each of `containers` new containers. */
const measureFirst = async (
  db: DynaliteHandle,
  calls: { write: number; read: number },
  tenant: string,
  containers: number,
  blocks: AllowanceBlocks,
): Promise<{ check: number[]; calls: { write: number; read: number } }> => {
  calls.write = 0;
  calls.read = 0;
  const check: number[] = [];
  for (let container = 0; container < containers; container += 1) {
    const limiter = newLimiter(db, blocks);
    const start = now();
    await limiter.admitRequest(tenant);
    await limiter.checkTokenBudget(tenant);
    check.push(now() - start);
    await limiter.flush();
  }
  return { check, calls: { ...calls } };
};

/** Runs both modes over the same dynalite; prints latency and cost side by side. */
export const runLimitsBench = async (chats = 1_000) => {
  const db = await startDynalite('limits-bench');
  const calls = { write: 0, read: 0 };
  db.documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITES.has(context.commandName ?? '')) calls.write += 1;
      else calls.read += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  // A warm-up pass, so that neither mode pays for the first connections.
  await measure(db, calls, 'warm-up', 100, DEFAULT_BLOCKS);
  const exact = await measure(db, calls, 'exact', chats, { requests: 0, tokens: 0 });
  const allowance = await measure(db, calls, 'allowance', chats, DEFAULT_BLOCKS);
  const containers = Math.max(1, Math.round(chats / 5));
  const firstExact = await measureFirst(db, calls, 'first-exact', containers, {
    requests: 0,
    tokens: 0,
  });
  const firstAllowance = await measureFirst(db, calls, 'first', containers, DEFAULT_BLOCKS);
  await db.close();
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const row = (name: string, result: Measured) => {
    const perThousand = {
      write: Math.round((result.calls.write / chats) * 1_000),
      read: Math.round((result.calls.read / chats) * 1_000),
    };
    const dollars =
      (perThousand.write * PRICE_PER_MILLION.write + perThousand.read * PRICE_PER_MILLION.read) /
      1_000_000;
    return [
      `  ${name}`,
      `    check before the answer: p50 ${ms(percentile(result.check, 50))}, p99 ${ms(percentile(result.check, 99))}`,
      `    record after the answer: p50 ${ms(percentile(result.record, 50))}, p99 ${ms(percentile(result.record, 99))}`,
      `    DynamoDB calls per 1 000 chats (background writes included): ${perThousand.write} writes, ${perThousand.read} reads; on-demand $${dollars.toFixed(5)}`,
    ];
  };
  process.stdout.write(
    [
      `Tenant limits over dynalite, ${chats} chats one after the other, one tenant well under its limits`,
      ...row('no allowance (every count written at once)', exact),
      ...row(
        `local allowance (blocks: ${DEFAULT_BLOCKS.requests} requests, ${DEFAULT_BLOCKS.tokens} tokens)`,
        allowance,
      ),
      `First chat of the tenant in each of ${containers} new containers (check before the answer; calls include the flush after it)`,
      ...[
        ['no allowance (snapshot, then the conditional take)', firstExact] as const,
        ['local allowance (snapshot only)', firstAllowance] as const,
      ].map(
        ([name, result]) =>
          `  ${name}: p50 ${ms(percentile(result.check, 50))}, p99 ${ms(percentile(result.check, 99))}; per first chat ${(result.calls.read / containers).toFixed(2)} reads, ${(result.calls.write / containers).toFixed(2)} writes`,
      ),
      '',
    ].join('\n'),
  );
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runLimitsBench(Number(process.argv[2] ?? 1_000));
}
