import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { DynamoDbStreamSlots } from '../../../lambdas/adapters/dynamodb/dynamodb-stream-slots.js';
import { DynamoDbTenantLimitsStore } from '../../../lambdas/adapters/dynamodb/dynamodb-tenant-limits-store.js';
import { DynamoDbTenantSnapshots } from '../../../lambdas/adapters/dynamodb/dynamodb-tenant-snapshots.js';
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
import { everyDocumentLive } from '../../support/fakes/every-document-live.js';
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

/**
 * A document client on the test table that counts every call sent through it and, while its
 * gate is on, holds each call until released.
 */
const countingClient = () => {
  const counter = { calls: 0 };
  const gate = { on: false, held: [] as (() => void)[], arrived: () => {} };
  const client = db.newDocumentClient();
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.calls += 1;
      if (gate.on) {
        await new Promise<void>((release) => {
          gate.held.push(release);
          gate.arrived();
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  return { client, counter, gate };
};

type Gate = ReturnType<typeof countingClient>['gate'];

const releaseAll = (gate: Gate) => {
  for (const release of gate.held.splice(0)) release();
};

/** How long a chat is given to end while calls are held before it is taken to be waiting for them. */
const SETTLE_MS = 1_000;

/**
 * Runs `request` with the client's calls held, and counts the round trips on its path: the
 * waves of calls it waited for. Calls that arrive together (sent at once) are one wave; a wave
 * is released only once the request has not ended without it, so calls made in the background
 * (the request ends while they are held) are not counted.
 */
const roundTripsOf = async <T>(gate: Gate, request: () => Promise<T>) => {
  gate.on = true;
  let done = false;
  const running = request().finally(() => {
    done = true;
  });
  let roundTrips = 0;
  for (;;) {
    const arrived = new Promise<void>((resolve) => {
      gate.arrived = resolve;
    });
    await Promise.race([running, gate.held.length > 0 ? undefined : arrived]);
    if (done) break;
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.race([running, new Promise((resolve) => setTimeout(resolve, SETTLE_MS))]);
    if (done) break;
    roundTrips += 1;
    releaseAll(gate);
  }
  gate.on = false;
  releaseAll(gate);
  return { result: await running, roundTrips };
};

/**
 * One chat function container: the chat handler over the real limiter on DynamoDB (through a
 * counting client), the rest in memory, so every DynamoDB call it makes is the limits'.
 */
const container = (
  clock: ManualClock,
  defaults: TenantLimits,
  blocks: AllowanceBlocks,
  tenantId = 'tenant-a',
) => {
  const { client, counter, gate } = countingClient();
  const limiter = new TenantLimiter({
    meter: new DynamoDbUsageMeter(client, { tableName: db.tableName, clock }),
    limits: new DynamoDbTenantLimitsStore(client, db.tableName),
    snapshots: new DynamoDbTenantSnapshots(client, { tableName: db.tableName }),
    slots: new DynamoDbStreamSlots(client, { tableName: db.tableName, clock }),
    followerSlots: new DynamoDbStreamSlots(client, {
      tableName: db.tableName,
      clock,
      pool: 'FOLLOWERS',
    }),
    defaults,
    clock,
    blocks,
  });
  const answers = new AnswerQuestion({
    sessions: new InMemorySessionStore(),
    embedder: new FakeEmbedder(),
    vectors: new FakeVectorStore(),
    documents: everyDocumentLive,
    model: new FakeChatModel({ defaultReply: 'A short answer.' }),
    clock,
    settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
  });
  const handler = createHandler({
    http: testHttpOptions({ 'key-a': tenantId }, { limiter }),
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
  /** Sends one chat; resolves to its status and the DynamoDB round trips it waited for. */
  const chatOnPath = async () => {
    const { result, roundTrips } = await roundTripsOf(gate, chat);
    return { status: result.status, roundTrips };
  };
  return { chat, chatOnPath, limiter, counter };
};

const meterOf = (clock: ManualClock) =>
  new DynamoDbUsageMeter(db.documentClient, { tableName: db.tableName, clock });

const BLOCKS: AllowanceBlocks = { requests: 20, tokens: 50_000 };

describe('the limit check on the chat path, over DynamoDB', () => {
  it('makes no DynamoDB call for a tenant well under its limits after its first chat', async () => {
    const clock = new ManualClock('2026-03-02T10:00:05.000Z');
    // A block of 40: the first chat is counted locally too, so the background write at half a
    // block (the next test) comes after these ten.
    const { chat } = container(
      clock,
      {
        requestsPerMinute: 1_000,
        tokensPerDay: 10_000_000,
        concurrentStreams: 4,
        concurrentFollowers: 8,
      },
      { requests: 40, tokens: 50_000 },
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
      {
        requestsPerMinute: 1_000,
        tokensPerDay: 10_000_000,
        concurrentStreams: 4,
        concurrentFollowers: 8,
      },
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

  it("reads the tenant's limits with its request and token counts in one call on its first chat in a container", async () => {
    const clock = new ManualClock('2026-03-04T11:00:05.000Z');
    const { chat } = container(
      clock,
      {
        requestsPerMinute: 1_000,
        tokensPerDay: 10_000_000,
        concurrentStreams: 4,
        concurrentFollowers: 8,
      },
      BLOCKS,
    );

    const first = await chat();

    expect(first.status).toBe(200);
    expect(first.calls).toBe(1);
  });

  it('makes one round trip on the first chat of a tenant in a new container', async () => {
    const clock = new ManualClock('2026-03-04T12:00:05.000Z');
    const { chatOnPath } = container(
      clock,
      {
        requestsPerMinute: 1_000,
        tokensPerDay: 10_000_000,
        concurrentStreams: 4,
        concurrentFollowers: 8,
      },
      BLOCKS,
    );

    const first = await chatOnPath();

    expect(first).toEqual({ status: 200, roundTrips: 1 });
  });

  it('decides the first chat of a tenant within a block of its request limit in one round trip, and counts it', async () => {
    const clock = new ManualClock('2026-03-09T11:00:05.000Z');
    const limits = {
      requestsPerMinute: 30,
      tokensPerDay: 10_000_000,
      concurrentStreams: 4,
      concurrentFollowers: 8,
    };
    await meterOf(clock).add('tenant-a', REQUESTS, 25);
    const { chatOnPath, limiter } = container(clock, limits, BLOCKS);

    const first = await chatOnPath();
    await limiter.flush();

    expect(first).toEqual({ status: 200, roundTrips: 1 });
    expect(await meterOf(clock).read('tenant-a', REQUESTS)).toBe(26);
  });

  it('refuses the first chat of a tenant past its request limit in one round trip, counting nothing', async () => {
    const clock = new ManualClock('2026-03-10T11:00:05.000Z');
    const limits = {
      requestsPerMinute: 30,
      tokensPerDay: 10_000_000,
      concurrentStreams: 4,
      concurrentFollowers: 8,
    };
    await meterOf(clock).add('tenant-a', REQUESTS, 30);
    const { chatOnPath, limiter } = container(clock, limits, BLOCKS);

    const first = await chatOnPath();
    await limiter.flush();

    expect(first).toEqual({ status: 429, roundTrips: 1 });
    expect(await meterOf(clock).read('tenant-a', REQUESTS)).toBe(30);
  });

  it("applies the tenant's own limits, read in the same round trip, to its first chat", async () => {
    const clock = new ManualClock('2026-03-11T11:00:05.000Z');
    await new DynamoDbTenantLimitsStore(db.documentClient, db.tableName).put('tenant-own', {
      requestsPerMinute: 5,
    });
    await meterOf(clock).add('tenant-own', REQUESTS, 5);
    const { chatOnPath } = container(
      clock,
      {
        requestsPerMinute: 1_000,
        tokensPerDay: 10_000_000,
        concurrentStreams: 4,
        concurrentFollowers: 8,
      },
      BLOCKS,
      'tenant-own',
    );

    const first = await chatOnPath();

    expect(first).toEqual({ status: 429, roundTrips: 1 });
  });

  it('waits for at most one round trip on any chat, the first and those that start a minute included', async () => {
    const clock = new ManualClock('2026-03-12T11:00:50.000Z');
    const { chatOnPath } = container(
      clock,
      {
        requestsPerMinute: 1_000,
        tokensPerDay: 10_000_000,
        concurrentStreams: 4,
        concurrentFollowers: 8,
      },
      BLOCKS,
    );

    const results = [];
    for (let index = 0; index < 15; index += 1) {
      results.push(await chatOnPath());
      clock.advance(1_000);
    }

    expect(results.map((result) => result.status)).toEqual(Array(15).fill(200));
    expect(Math.max(...results.map((result) => result.roundTrips))).toBe(1);
  });

  it('makes exactly one DynamoDB call per chat within a block of the request limit, then refuses', async () => {
    const clock = new ManualClock('2026-03-05T12:00:05.000Z');
    const { chat, limiter } = container(
      clock,
      {
        requestsPerMinute: 30,
        tokensPerDay: 10_000_000,
        concurrentStreams: 4,
        concurrentFollowers: 8,
      },
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
    const limits = {
      requestsPerMinute: 20,
      tokensPerDay: 10_000_000,
      concurrentStreams: 4,
      concurrentFollowers: 8,
    };
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
    const limits = {
      requestsPerMinute: 1_000,
      tokensPerDay: 2_000,
      concurrentStreams: 4,
      concurrentFollowers: 8,
    };
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
    const limits = {
      requestsPerMinute: 12,
      tokensPerDay: 10_000_000,
      concurrentStreams: 4,
      concurrentFollowers: 8,
    };
    const old = container(clock, limits, { requests: 3, tokens: 50_000 });
    for (let index = 0; index < 12; index += 1) await old.chat();

    const restarted = container(clock, limits, { requests: 3, tokens: 50_000 });

    expect((await restarted.chat()).status).toBe(429);
    await old.limiter.flush();
    expect(await meterOf(clock).read('tenant-a', DAILY_REQUESTS)).toBe(12);
  });
});
