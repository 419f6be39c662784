/**
 * Tenant limits: the latency the checks add to a chat (p50, p99) and their DynamoDB cost per
 * 1 000 chats. Runs `TenantLimiter` over the DynamoDB adapters against dynalite (a local
 * DynamoDB: its latency is a floor, not AWS's), counting the calls a chat makes through an SDK
 * middleware: the request-rate take (with the day's request count beside it), the token budget
 * read before the answer, the usage write after it.
 *
 * Run with `npx tsx bench/limits/run.ts [chats]` (prints its table, writes no results file).
 */
import { pathToFileURL } from 'node:url';
import { DynamoDbStreamSlots } from '../../lambdas/adapters/dynamodb/dynamodb-stream-slots.js';
import { DynamoDbTenantLimitsStore } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-limits-store.js';
import { DynamoDbUsageMeter } from '../../lambdas/adapters/dynamodb/dynamodb-usage-meter.js';
import { TenantLimiter } from '../../lambdas/core/limits/tenant-limiter.js';
import { systemClock } from '../../lambdas/core/ports/clock.js';
import { startDynalite } from '../../test/support/dynalite.js';
import { now, percentile } from '../lib/stats.js';

/** On-demand prices (USD per million request units, us-east-1, 2025). */
const PRICE_PER_MILLION = { write: 0.625, read: 0.125 };

const WRITES = new Set(['UpdateItemCommand', 'PutItemCommand', 'DeleteItemCommand']);

/** Runs `chats` chats' limit checks one after the other; prints latency and cost. */
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
  const limiter = new TenantLimiter({
    meter: new DynamoDbUsageMeter(db.documentClient, {
      tableName: db.tableName,
      clock: systemClock,
    }),
    limits: new DynamoDbTenantLimitsStore(db.documentClient, db.tableName),
    slots: new DynamoDbStreamSlots(db.documentClient, {
      tableName: db.tableName,
      clock: systemClock,
    }),
    defaults: { requestsPerMinute: 1_000_000, tokensPerDay: 1_000_000_000, concurrentStreams: 100 },
    clock: systemClock,
  });
  await limiter.limitsOf('bench');
  calls.write = 0;
  calls.read = 0;
  const before: number[] = [];
  const after: number[] = [];
  for (let chat = 0; chat < chats; chat += 1) {
    const start = now();
    await limiter.admitRequest('bench');
    await limiter.checkTokenBudget('bench');
    const checked = now();
    await limiter.recordTokens('bench', {
      promptTokens: 1_200,
      completionTokens: 300,
      totalTokens: 1_500,
    });
    before.push(checked - start);
    after.push(now() - checked);
  }
  await db.close();
  const perThousand = { write: (calls.write / chats) * 1_000, read: (calls.read / chats) * 1_000 };
  const dollars =
    (perThousand.write * PRICE_PER_MILLION.write + perThousand.read * PRICE_PER_MILLION.read) /
    1_000_000;
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  process.stdout.write(
    [
      `Tenant limits over dynalite, ${chats} chats one after the other`,
      `  before the answer (rate take ∥ day count, then budget read): p50 ${ms(percentile(before, 50))}, p99 ${ms(percentile(before, 99))}`,
      `  after the answer (usage write):                              p50 ${ms(percentile(after, 50))}, p99 ${ms(percentile(after, 99))}`,
      `  DynamoDB calls per 1 000 chats: ${perThousand.write} writes, ${perThousand.read} reads`,
      `  on-demand cost per 1 000 chats (items < 1 KB, strongly consistent reads): $${dollars.toFixed(5)}`,
      '',
    ].join('\n'),
  );
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runLimitsBench(Number(process.argv[2] ?? 1_000));
}
