import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { DynamoDbStreamSlots } from '../../../lambdas/adapters/dynamodb/dynamodb-stream-slots.js';
import { DynamoDbTenantLimitsStore } from '../../../lambdas/adapters/dynamodb/dynamodb-tenant-limits-store.js';
import { DynamoDbUsageMeter } from '../../../lambdas/adapters/dynamodb/dynamodb-usage-meter.js';
import { AnswerQuestion } from '../../../lambdas/core/chat/answer-question.js';
import { BudgetedAnswers } from '../../../lambdas/core/limits/budgeted-answers.js';
import {
  type AllowanceBlocks,
  DAILY_REQUESTS,
  REQUESTS,
  TenantLimiter,
  TOKENS,
} from '../../../lambdas/core/limits/tenant-limiter.js';
import type { TenantLimits } from '../../../lambdas/core/limits/tenant-limits.js';
import { createHandler } from '../../../lambdas/handlers/chat-api.js';
import { type DynaliteHandle, startDynalite } from '../../support/dynalite.js';
import { FakeChatModel } from '../../support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../support/fakes/fake-vector-store.js';
import { InMemorySessionStore } from '../../support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.close());

/** A document client on the test table that counts every call sent through it. */
const countingClient = () => {
  const counter = { calls: 0 };
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    }),
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.calls += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  return { client, counter };
};

/**
 * One chat function container: the chat handler over the real limiter on DynamoDB (through a
 * counting client), the rest in memory, so every DynamoDB call it makes is the limits'.
 */
const container = (clock: ManualClock, defaults: TenantLimits, blocks: AllowanceBlocks) => {
  const { client, counter } = countingClient();
  const limiter = new TenantLimiter({
    meter: new DynamoDbUsageMeter(client, { tableName: db.tableName, clock }),
    limits: new DynamoDbTenantLimitsStore(client, db.tableName),
    slots: new DynamoDbStreamSlots(client, { tableName: db.tableName, clock }),
    defaults,
    clock,
    blocks,
  });
  const answers = new AnswerQuestion({
    sessions: new InMemorySessionStore(),
    embedder: new FakeEmbedder(),
    vectors: new FakeVectorStore(),
    model: new FakeChatModel({ defaultReply: 'A short answer.' }),
    clock,
    settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
  });
  const handler = createHandler({
    http: testHttpOptions({ 'key-a': 'tenant-a' }, { limiter }),
    answerQuestion: new BudgetedAnswers(answers, limiter),
    sessions: new InMemorySessionStore(),
  });
  /** Sends one chat; resolves to its status and the DynamoDB calls made while it ran. */
  const chat = async () => {
    const before = counter.calls;
    const response = await handler(
      apiGatewayEvent({
        method: 'POST',
        url: '/v1/chat',
        routeKey: 'POST /v1/chat',
        headers: { authorization: 'Bearer key-a', 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Why?' }),
      }),
      lambdaContext(),
    );
    return { status: response.statusCode, calls: counter.calls - before };
  };
  return { chat, limiter, counter };
};

const meterOf = (clock: ManualClock) =>
  new DynamoDbUsageMeter(db.documentClient, { tableName: db.tableName, clock });

const BLOCKS: AllowanceBlocks = { requests: 20, tokens: 50_000 };

describe('the limit check on the chat path, over DynamoDB', () => {
  it('makes no DynamoDB call for a tenant well under its limits after its first chat', async () => {
    const clock = new ManualClock('2026-03-02T10:00:05.000Z');
    const { chat } = container(
      clock,
      { requestsPerMinute: 1_000, tokensPerDay: 10_000_000, concurrentStreams: 4 },
      BLOCKS,
    );
    const first = await chat();

    const next = [];
    for (let index = 0; index < 9; index += 1) next.push(await chat());

    expect(first.status).toBe(200);
    expect(next.map((result) => result.status)).toEqual(Array(9).fill(200));
    expect(next.map((result) => result.calls)).toEqual(Array(9).fill(0));
  });

  it('writes its local request count in the background once half a block is counted', async () => {
    const clock = new ManualClock('2026-03-08T10:00:05.000Z');
    const { chat, limiter, counter } = container(
      clock,
      { requestsPerMinute: 1_000, tokensPerDay: 10_000_000, concurrentStreams: 4 },
      BLOCKS,
    );
    await chat();
    await limiter.flush();
    const before = counter.calls;

    const chats = [];
    for (let index = 0; index < 10; index += 1) chats.push(await chat());
    const duringChats = counter.calls - before;
    await limiter.flush();

    // The tenth request's count starts the write; the flush then writes the token count and
    // the three counts kept for the usage view, which until then waited for their age.
    expect(chats.slice(0, 9).map((result) => result.calls)).toEqual(Array(9).fill(0));
    expect(duringChats).toBe(1);
    expect(counter.calls - before).toBe(1 + 4);
    expect(await meterOf(clock).read('tenant-a', REQUESTS)).toBe(11);
  });

  it("reads the tenant's limits once, then takes the request and reads the token count in one round trip on the first chat", async () => {
    const clock = new ManualClock('2026-03-04T11:00:05.000Z');
    const { chat } = container(
      clock,
      { requestsPerMinute: 1_000, tokensPerDay: 10_000_000, concurrentStreams: 4 },
      BLOCKS,
    );

    const first = await chat();

    // The limits read, then the conditional take beside the day's token count.
    expect(first.calls).toBe(3);
  });

  it('makes exactly one DynamoDB call per chat within a block of the request limit, then refuses', async () => {
    const clock = new ManualClock('2026-03-05T12:00:05.000Z');
    const { chat, limiter } = container(
      clock,
      { requestsPerMinute: 30, tokensPerDay: 10_000_000, concurrentStreams: 4 },
      BLOCKS,
    );
    for (let index = 0; index < 21; index += 1) await chat();
    await limiter.flush();

    const near = [];
    for (let index = 0; index < 10; index += 1) near.push(await chat());

    expect(near.map((result) => result.calls)).toEqual(Array(10).fill(1));
    expect(near.filter((result) => result.status === 200).length).toBe(9);
    expect(near.at(-1)?.status).toBe(429);
    expect(await meterOf(clock).read('tenant-a', REQUESTS)).toBe(30);
  });

  it('admits at most the limit plus containers × block out of 50 concurrent chats over two containers', async () => {
    const clock = new ManualClock('2026-03-06T13:00:05.000Z');
    const limits = { requestsPerMinute: 20, tokensPerDay: 10_000_000, concurrentStreams: 4 };
    const blocks = { requests: 5, tokens: 50_000 };
    const containers = [container(clock, limits, blocks), container(clock, limits, blocks)];
    for (const { chat } of containers) await chat();

    const results = await Promise.all(
      Array.from({ length: 48 }, (_, index) => containers[index % 2]!.chat()),
    );
    await Promise.all(containers.map(({ limiter }) => limiter.flush()));
    const admitted = 2 + results.filter((result) => result.status === 200).length;

    expect(admitted).toBeLessThanOrEqual(20 + 2 * 5);
    expect(results.filter((result) => result.status === 429).length).toBeGreaterThan(0);
    expect(await meterOf(clock).read('tenant-a', REQUESTS)).toBe(admitted);
  });

  it('overshoots the token budget under 50 concurrent chats by at most the answers in flight plus containers × block', async () => {
    const clock = new ManualClock('2026-03-03T10:00:05.000Z');
    const limits = { requestsPerMinute: 1_000, tokensPerDay: 2_000, concurrentStreams: 4 };
    const blocks = { requests: 10, tokens: 500 };
    const containers = [container(clock, limits, blocks), container(clock, limits, blocks)];
    await containers[0]!.chat();
    await containers[0]!.limiter.flush();
    const perAnswer = await meterOf(clock).read('tenant-a', TOKENS);

    await Promise.all(Array.from({ length: 50 }, (_, index) => containers[index % 2]!.chat()));
    await Promise.all(containers.map(({ limiter }) => limiter.flush()));

    expect(await meterOf(clock).read('tenant-a', TOKENS)).toBeLessThanOrEqual(
      2_000 + 50 * perAnswer + 2 * 500,
    );
    expect((await containers[1]!.chat()).status).toBe(429);
  });

  it('keeps the written counts across a container restart', async () => {
    const clock = new ManualClock('2026-03-07T14:00:05.000Z');
    const limits = { requestsPerMinute: 12, tokensPerDay: 10_000_000, concurrentStreams: 4 };
    const old = container(clock, limits, { requests: 3, tokens: 50_000 });
    for (let index = 0; index < 12; index += 1) await old.chat();

    const restarted = container(clock, limits, { requests: 3, tokens: 50_000 });

    expect((await restarted.chat()).status).toBe(429);
    await old.limiter.flush();
    expect(await meterOf(clock).read('tenant-a', DAILY_REQUESTS)).toBe(12);
  });
});
