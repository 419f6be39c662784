/**
 * Section 6, resumable streams: what recording an answer costs its writer, how far behind a
 * follower reads, how long a stop takes to reach a model call on another instance, and how many
 * DynamoDB writes (and dollars) an answer adds. Runs the streaming handler itself, two
 * instances over one dynalite table (no shared memory: a stop travels through the table), a
 * paced model, and the function URL front end of `test/support/streaming-invoke.ts`.
 *
 * Run alone with `npx tsx bench/resumable/run.ts` (prints its table, writes no results file),
 * or as `npm run bench -- --only=6`.
 */
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { functionUrlEvent } from '../../dev/http-events.js';
import { installAwsLambdaGlobal } from '../../dev/lambda-response-stream.js';
import { DynamoDbStreamLog } from '../../lambdas/adapters/dynamodb/dynamodb-stream-log.js';
import { AnswerQuestion } from '../../lambdas/core/chat/answer-question.js';
import type { UiMessagePart } from '../../lambdas/core/chat/ui-message-stream.js';
import { systemClock } from '../../lambdas/core/ports/clock.js';
import type {
  BeginningStream,
  StreamBatch,
  StreamLog,
} from '../../lambdas/core/ports/stream-log.js';
import { createHandler } from '../../lambdas/handlers/stream-chat.js';
import { startDynalite } from '../../test/support/dynalite.js';
import { everyDocumentLive } from '../../test/support/fakes/every-document-live.js';
import { FakeChatModel } from '../../test/support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../test/support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../test/support/fakes/fake-vector-store.js';
import { InMemorySessionStore } from '../../test/support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../test/support/fakes/manual-clock.js';
import { testHttpOptions } from '../../test/support/http-deps.js';
import { lambdaContext } from '../../test/support/lambda-context.js';
import { type ClientRead, invokeStreaming } from '../../test/support/streaming-invoke.js';
import { type Figure, renderTable } from '../lib/report.js';
import { median, percentile } from '../lib/stats.js';

/** Options of {@link runResumable}. */
export interface ResumableOptions {
  /** Stops measured (each on a fresh answer). */
  stops: number;
  log: (line: string) => void;
}

const SECTION = '6 resumable streams';
const ANSWER_TOKENS = 500;
/** 100 tokens/s: the order of gpt-4o-mini's output speed. */
const TOKEN_INTERVAL_MS = 10;
/** DynamoDB on-demand prices, us-east-1 (since November 2024): per million request units. */
const USD_PER_MILLION_WRU = 0.625;
const USD_PER_MILLION_RRU = 0.125;

/** DynamoDB's size of an item: attribute names plus values (numbers counted as their digits). */
const itemBytes = (item: Record<string, unknown>): number =>
  Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(String(value)),
    0,
  );

/** Counts every call a writer or reader makes on the log. */
class CountingStreamLog implements StreamLog {
  writes = 0;
  eventualReads = 0;
  consistentReads = 0;
  constructor(private readonly inner: StreamLog) {}
  reset() {
    this.writes = 0;
    this.eventualReads = 0;
    this.consistentReads = 0;
  }
  begin(tenantId: string, chatId: string, stream: BeginningStream) {
    this.writes += 1;
    return this.inner.begin(tenantId, chatId, stream);
  }
  append(tenantId: string, chatId: string, streamId: string, batch: StreamBatch) {
    this.writes += 1;
    return this.inner.append(tenantId, chatId, streamId, batch);
  }
  active(tenantId: string, chatId: string, options?: { consistent?: boolean }) {
    if (options?.consistent) this.consistentReads += 1;
    else this.eventualReads += 1;
    return this.inner.active(tenantId, chatId, options);
  }
  stopRequestedAt(tenantId: string, chatId: string) {
    this.eventualReads += 1;
    return this.inner.stopRequestedAt(tenantId, chatId);
  }
  lastEnded(tenantId: string, chatId: string) {
    this.consistentReads += 1;
    return this.inner.lastEnded(tenantId, chatId);
  }
  read(tenantId: string, chatId: string, streamId: string, fromSeq: number) {
    this.consistentReads += 1;
    return this.inner.read(tenantId, chatId, streamId, fromSeq);
  }
  requestStop(
    tenantId: string,
    chatId: string,
    options: { staleBefore: number; requestedAt: number },
  ) {
    this.writes += 1;
    return this.inner.requestStop(tenantId, chatId, options);
  }
  end(tenantId: string, chatId: string, streamId: string) {
    this.writes += 1;
    return this.inner.end(tenantId, chatId, streamId);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Tokens due at fixed times (`intervalMs` apart from the first), so that a loaded machine's
 * late timers do not stretch the answer (and inflate its write count) as relative sleeps would.
 */
const scheduledTokens = (intervalMs: number) => {
  const emittedAt: number[] = [];
  let firstAt = 0;
  return {
    emittedAt,
    onToken: async (_token: string, index: number) => {
      if (index === 0) firstAt = performance.now();
      const due = firstAt + index * intervalMs;
      if (due > performance.now()) await sleep(due - performance.now());
      emittedAt.push(performance.now());
    },
  };
};

/** Every text delta a client read, with when it read it. */
const deltaReadTimes = (reads: ClientRead[]): number[] => {
  const times: number[] = [];
  for (const read of reads) {
    for (const line of read.text.split('\n')) {
      if (!line.startsWith('data: {')) continue;
      const part = JSON.parse(line.slice(6)) as UiMessagePart;
      if (part.type === 'text-delta') times.push(read.at);
    }
  }
  return times;
};

/**
 * Measures section 6.
 *
 * @example
 * const { figures } = await runResumable({ stops: 10, log: console.error });
 */
export const runResumable = async (options: ResumableOptions) => {
  installAwsLambdaGlobal();
  const db = await startDynalite('bench-resumable');
  const reply = Array.from({ length: ANSWER_TOKENS }, (_, index) => `w${index}`).join(' ');
  // The test helper's client makes one attempt; on a loaded machine dynalite may drop a
  // connection, which the deployed client (three attempts) would retry.
  const documentClient = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
    }),
  );
  const log = new CountingStreamLog(
    new DynamoDbStreamLog(documentClient, {
      tableName: db.tableName,
      clock: systemClock,
      ttlSeconds: 1_200,
    }),
  );
  let chats = 0;
  const setup = (resumable: boolean) => {
    const pace = scheduledTokens(TOKEN_INTERVAL_MS);
    const model = new FakeChatModel({ defaultReply: reply, onToken: pace.onToken });
    const sessions = new InMemorySessionStore();
    const answerQuestion = new AnswerQuestion({
      sessions,
      embedder: new FakeEmbedder(),
      vectors: new FakeVectorStore(),
      documents: everyDocumentLive,
      model,
      clock: new ManualClock(),
      settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
    });
    const instance = () =>
      createHandler({
        ...testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 }),
        answerQuestion,
        ...(resumable ? { resumable: { log, sessions } } : {}),
      });
    chats += 1;
    return { pace, model, writer: instance(), other: instance(), chatId: `bench-${chats}` };
  };
  const request = (method: string, url: string, body?: unknown) =>
    functionUrlEvent({
      method,
      url,
      headers: {
        authorization: 'Bearer key-a',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  try {
    // Writer's per-token delay, recording off then on.
    const perTokenDelay = async (resumable: boolean) => {
      const { pace, writer, chatId } = setup(resumable);
      log.reset();
      const response = invokeStreaming(
        writer,
        request('POST', '/', { sessionId: chatId, message: 'Bench' }),
        lambdaContext({ timeoutMs: 60_000 }),
      );
      await response.done;
      const reads = deltaReadTimes(response.reads);
      const delays = reads.map((at, index) => at - pace.emittedAt[index]!);
      // The batches stay in the table (until their TTL): their sizes give the write units; the
      // marker's write and its deletion are one unit each.
      if (!resumable) return { delays, writes: 0, writeUnits: 0, stopPolls: 0 };
      const { Items = [] } = await documentClient.send(
        new QueryCommand({
          TableName: db.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `TENANT#tenant-a#SESSION#${chatId}` },
        }),
      );
      const batchUnits = Items.reduce((sum, item) => sum + Math.ceil(itemBytes(item) / 1024), 0);
      return {
        delays,
        writes: log.writes,
        writeUnits: 2 + batchUnits,
        stopPolls: log.eventualReads,
      };
    };
    options.log('6 resumable: one 500-token answer without recording');
    const unrecorded = await perTokenDelay(false);
    options.log('6 resumable: one 500-token answer recorded');
    const recorded = await perTokenDelay(true);

    // Followers: two readers on another instance, joining 200 ms into the answer.
    options.log('6 resumable: one recorded answer with two followers');
    const followed = setup(true);
    const writerResponse = invokeStreaming(
      followed.writer,
      request('POST', '/', { sessionId: followed.chatId, message: 'Bench' }),
      lambdaContext({ timeoutMs: 60_000 }),
    );
    await sleep(200);
    log.reset();
    const followers = [0, 1].map(() =>
      invokeStreaming(
        followed.other,
        request('GET', `/${followed.chatId}/stream`),
        lambdaContext({ timeoutMs: 60_000 }),
      ),
    );
    await Promise.all([writerResponse.done, ...followers.map((follower) => follower.done)]);
    const followerReads = log.consistentReads;
    const writerTimes = deltaReadTimes(writerResponse.reads);
    const joinedAt = Math.min(...followers.map((follower) => follower.reads[0]?.at ?? Infinity));
    const lags = followers.flatMap((follower) =>
      deltaReadTimes(follower.reads)
        .map((at, index) => ({ at, written: writerTimes[index]! }))
        // Parts replayed at join time measure the replay, not the following.
        .filter((read) => read.written > joinedAt)
        .map((read) => read.at - read.written),
    );

    // Stops requested on the other instance, at a random point of the answer.
    const stopLatencies: number[] = [];
    for (let run = 0; run < options.stops; run += 1) {
      const { model, writer, other, chatId } = setup(true);
      const response = invokeStreaming(
        writer,
        request('POST', '/', { sessionId: chatId, message: 'Bench' }),
        lambdaContext({ timeoutMs: 60_000 }),
      );
      await sleep(100 + Math.random() * 300);
      const requestedAt = performance.now();
      await invokeStreaming(other, request('POST', `/${chatId}/stop`), lambdaContext()).done;
      while (!model.calls.at(-1)?.aborted) await sleep(1);
      stopLatencies.push(performance.now() - requestedAt);
      await response.done;
    }
    options.log(`6 resumable: ${options.stops} stops measured`);

    const answerSeconds = (ANSWER_TOKENS * TOKEN_INTERVAL_MS) / 1000;
    const writerReadUnits = recorded.stopPolls * 0.5;
    const usdPer1000 =
      1000 *
      ((recorded.writeUnits * USD_PER_MILLION_WRU + writerReadUnits * USD_PER_MILLION_RRU) / 1e6);
    const p99Off = percentile(unrecorded.delays, 99);
    const p99On = percentile(recorded.delays, 99);
    const figures: Figure[] = [
      {
        section: SECTION,
        metric: 'writer per-token delay p99, recorded (baseline: unrecorded)',
        unit: 'ms',
        ours: p99On,
        baseline: p99Off,
        target: '≤ 5 ms',
        met: p99On <= 5,
      },
      {
        section: SECTION,
        metric: 'follower lag behind the writer p95 (2 followers)',
        unit: 'ms',
        ours: percentile(lags, 95),
        target: '≤ 300 ms',
        met: percentile(lags, 95) <= 300,
      },
      {
        section: SECTION,
        metric: 'follower lag max',
        unit: 'ms',
        ours: Math.max(...lags),
      },
      {
        section: SECTION,
        metric: `DynamoDB writes per ${ANSWER_TOKENS}-token answer (${answerSeconds} s)`,
        unit: '',
        ours: recorded.writes,
        target: '≤ 40',
        met: recorded.writes <= 40,
      },
      {
        section: SECTION,
        metric: 'write units per answer (1 KB each)',
        unit: 'WRU',
        ours: recorded.writeUnits,
      },
      {
        section: SECTION,
        metric: 'stop-flag reads per answer (eventually consistent, 0.5 RRU)',
        unit: '',
        ours: recorded.stopPolls,
      },
      {
        section: SECTION,
        metric: 'added DynamoDB cost per 1 000 chats (writer; on-demand us-east-1)',
        unit: 'USD',
        ours: usdPer1000,
      },
      {
        section: SECTION,
        metric: 'follower reads per second of following (consistent query)',
        unit: '',
        ours: followerReads / 2 / answerSeconds,
      },
      {
        section: SECTION,
        metric: 'stop on another instance → model call aborted, p50',
        unit: 'ms',
        ours: median(stopLatencies),
      },
      {
        section: SECTION,
        metric: 'stop on another instance → model call aborted, p95',
        unit: 'ms',
        ours: percentile(stopLatencies, 95),
      },
    ];
    return {
      figures,
      details: {
        answerTokens: ANSWER_TOKENS,
        tokenIntervalMs: TOKEN_INTERVAL_MS,
        writerDelayP50: {
          unrecorded: median(unrecorded.delays),
          recorded: median(recorded.delays),
        },
        lagP50Ms: median(lags),
        lagSamples: lags.length,
        stopLatenciesMs: stopLatencies,
        prices: { USD_PER_MILLION_WRU, USD_PER_MILLION_RRU },
      },
    };
  } finally {
    await db.close();
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { figures, details } = await runResumable({
    stops: Number(process.env.STOPS ?? 20),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  console.log(renderTable(figures, {}));
  console.log(JSON.stringify(details));
  process.exit(0);
}
