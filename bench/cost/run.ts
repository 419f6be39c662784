import { readFile } from 'node:fs/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { apiGatewayEvent, functionUrlEvent } from '../../dev/http-events.js';
import { installAwsLambdaGlobal } from '../../dev/lambda-response-stream.js';
import { DynamoDbApiKeyStore } from '../../lambdas/adapters/dynamodb/dynamodb-api-key-store.js';
import { composeAi } from '../../lambdas/composition/ai-components.js';
import { composeChatApi } from '../../lambdas/composition/chat-api.js';
import { composeDocumentsApi } from '../../lambdas/composition/documents-api.js';
import { composeIndexer } from '../../lambdas/composition/indexer.js';
import { composeReconciler } from '../../lambdas/composition/reconciler.js';
import { loadRuntimeConfig } from '../../lambdas/composition/runtime-config.js';
import { composeShared } from '../../lambdas/composition/shared.js';
import { composeStreamChat } from '../../lambdas/composition/stream-chat.js';
import { issueApiKey } from '../../lambdas/core/auth/issue-api-key.js';
import { systemClock } from '../../lambdas/core/ports/clock.js';
import { createHandler as createChatApi } from '../../lambdas/handlers/chat-api.js';
import { createHandler as createDocumentsApi } from '../../lambdas/handlers/documents-api.js';
import { createHandler as createIndexer } from '../../lambdas/handlers/index-documents.js';
import { createHandler as createReconciler } from '../../lambdas/handlers/reconcile-documents.js';
import { createHandler as createStreamChat } from '../../lambdas/handlers/stream-chat.js';
import { scheduledEvent } from '../../test/deployment/lambda-events.js';
import { startDynalite } from '../../test/support/dynalite.js';
import { lambdaContext } from '../../test/support/lambda-context.js';
import { startOpenAiStandIn } from '../../test/support/openai-stand-in.js';
import { startQdrantStandIn } from '../../test/support/qdrant-stand-in.js';
import { startS3StandIn } from '../../test/support/s3-stand-in.js';
import { sqsEvent, sqsRecord } from '../../test/support/sqs-events.js';
import { startSqsStandIn } from '../../test/support/sqs-stand-in.js';
import { invokeStreaming } from '../../test/support/streaming-invoke.js';
import { loadCorpus } from '../indexing/corpus.js';
import { benchReply } from '../lib/environment.js';
import type { Figure } from '../lib/report.js';
import { countCapacity } from './capacity-counter.js';
import {
  type CostBreakdown,
  type CountedUsage,
  costOf,
  type IdleCost,
  idleCostPerDay,
  type PriceTable,
  scaleCost,
  type TokenUsage,
} from './cost-model.js';
import { readStackFacts, type StackFacts } from './stack-template.js';

/** Options of {@link runCost}. */
export interface CostOptions {
  /** Chats per flavour (buffered, streamed). */
  chats: number;
  /** Corpus pages uploaded and indexed. */
  pages: number;
  /** Reuse a synthesized template written after this time (epoch ms). */
  synthesizedSince?: number;
  log: (line: string) => void;
}

/** One piece of work measured: what was counted, and its cost per 1 000. */
export interface CostRun {
  units: number;
  usage: CountedUsage;
  dynamoDbCalls: Record<string, number>;
  perThousand: CostBreakdown;
}

/** Raw figures of the section. */
export interface CostDetails {
  prices: { date: string; region: string; architecture: string; sources: Record<string, string> };
  stack: StackFacts;
  assumptions: string[];
  chatsBuffered: CostRun;
  chatsStreamed: CostRun;
  pages: CostRun;
  idle: IdleCost & { perDay: CountedUsage };
}

const SECTION = '8 cost';
const TABLE = 'rag-api-cost';
const BUCKET = 'raw-documents';
const QUESTIONS = [
  'How are path parameters declared?',
  'How do I add a dependency to a path operation?',
  'How do I return a custom status code?',
  'How are request bodies validated?',
  'How do I run background tasks after a response?',
];
/** Share of requests X-Ray records under the default sampling rule, past the first each second. */
const XRAY_SAMPLED = 0.05;
/** Lambda's SQS event source: long polls kept open while idle, each waiting 20 s. */
const IDLE_POLLERS = 5;
const POLL_SECONDS = 20;

const PRICES_FILE = new URL('../prices.json', import.meta.url);

/** Durations of one function's invocations, by its artifact name. */
type Durations = Map<string, number[]>;

const timed = async <T>(durations: Durations, name: string, call: () => Promise<T>) => {
  const start = performance.now();
  const result = await call();
  const list = durations.get(name) ?? [];
  list.push(performance.now() - start);
  durations.set(name, list);
  return result;
};

const tokensOf = (records: readonly { usage?: TokenUsage }[]): TokenUsage[] => {
  const byModel = new Map<string, TokenUsage>();
  for (const { usage } of records) {
    if (!usage) continue;
    const total = byModel.get(usage.model) ?? { model: usage.model, input: 0, output: 0 };
    total.input += usage.input;
    total.output += usage.output;
    byModel.set(usage.model, total);
  }
  return [...byModel.values()];
};

/**
 * Section 8: what the API costs, from usage counted while it works. The functions' own
 * compositions and handlers run in this process against dynalite (its client counting read
 * and write units), the S3 and SQS stand-ins (counting requests) and the OpenAI and Qdrant
 * stand-ins (reporting token usage); each invocation is timed and billed at the memory the
 * synthesized template configures. Prices come from `bench/prices.json`.
 */
export const runCost = async (
  options: CostOptions,
): Promise<{ figures: Figure[]; details: CostDetails }> => {
  const prices = JSON.parse(await readFile(PRICES_FILE, 'utf8')) as PriceTable;
  options.log('cost: synthesizing the app for memory sizes, alarms, secrets and schedules');
  const stack = readStackFacts(options.synthesizedSince);
  const memoryOf = (name: string) => stack.memoryMb[name] ?? 1024;

  const db = await startDynalite(TABLE);
  const s3 = await startS3StandIn();
  const sqs = await startSqsStandIn();
  const openai = await startOpenAiStandIn({ reply: benchReply });
  const qdrant = await startQdrantStandIn();
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
  });
  try {
    const queueUrl = sqs.queueUrl('IndexingQueue');
    const config = loadRuntimeConfig({
      TABLE_NAME: TABLE,
      BUCKET_NAME: BUCKET,
      QUEUE_URL: queueUrl,
      DYNAMODB_ENDPOINT: db.endpoint,
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: 'sk-bench',
      QDRANT_URL: qdrant.url,
      API_KEY_CACHE_TTL_SECONDS: '60',
      // Limits stay on (their counters are part of the bill) but never refuse the bench.
      TENANT_REQUESTS_PER_MINUTE: '1000000',
      TENANT_TOKENS_PER_DAY: '1000000000',
      TENANT_CONCURRENT_STREAMS: '1000',
      TENANT_CONCURRENT_FOLLOWERS: '1000',
    });
    const shared = composeShared(config, new Logger({ logLevel: 'SILENT' }));
    const capacity = countCapacity(shared.dynamo);
    const ai = await composeAi(config);
    installAwsLambdaGlobal();
    const chat = createChatApi(await composeChatApi(config, shared, ai));
    const stream = createStreamChat(await composeStreamChat(config, shared, ai));
    const documents = createDocumentsApi(await composeDocumentsApi(config, shared, { ai }));
    const indexer = createIndexer(await composeIndexer(config, shared, { ai }));
    const reconciler = createReconciler(await composeReconciler(config, shared, { ai }));
    const { key } = await issueApiKey(
      new DynamoDbApiKeyStore(db.documentClient, TABLE),
      systemClock,
      'tenant-cost',
    );
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const context = (name: string): Context =>
      lambdaContext({ functionName: name, timeoutMs: 29_000 });

    /** Counts what `work` uses, as a {@link CountedUsage}, beside the DynamoDB calls made. */
    const measure = async (
      work: (
        durations: Durations,
      ) => Promise<{ httpApi: number; functionUrl: number; sqs: number }>,
    ) => {
      const durations: Durations = new Map();
      const before = {
        read: capacity.readUnits,
        write: capacity.writeUnits,
        calls: { ...capacity.calls },
        s3: s3.requests.length,
        openai: openai.requests.length,
      };
      const requests = await work(durations);
      const s3Requests = s3.requests.slice(before.s3);
      const s3Reads = s3Requests.filter((line) => /^(GET|HEAD) /.test(line)).length;
      const s3Deletes = s3Requests.filter((line) => /^DELETE /.test(line)).length;
      const functions = [...durations].map(([name, durationsMs]) => ({
        name,
        memoryMb: memoryOf(name),
        durationsMs,
      }));
      const invocations = functions.reduce((sum, fn) => sum + fn.durationsMs.length, 0);
      const usage: CountedUsage = {
        functions,
        httpApiRequests: requests.httpApi,
        functionUrlRequests: requests.functionUrl,
        dynamodb: {
          readUnits: capacity.readUnits - before.read,
          writeUnits: capacity.writeUnits - before.write,
        },
        sqsRequests: requests.sqs,
        // DELETE is free on S3; LIST is priced as a write.
        s3: { reads: s3Reads, writes: s3Requests.length - s3Reads - s3Deletes },
        secretsManagerCalls: 0,
        xrayTraces: invocations * XRAY_SAMPLED,
        tokens: tokensOf(openai.requests.slice(before.openai)),
      };
      const dynamoDbCalls = Object.fromEntries(
        Object.entries(capacity.calls).map(([name, calls]) => [
          name,
          calls - (before.calls[name] ?? 0),
        ]),
      );
      return { usage, dynamoDbCalls };
    };
    const run = (units: number, measured: Awaited<ReturnType<typeof measure>>): CostRun => ({
      units,
      ...measured,
      perThousand: scaleCost(costOf(measured.usage, prices), units, 1_000),
    });

    const corpus = await loadCorpus();
    const pages = corpus.documents.slice(0, options.pages);
    options.log(`cost: uploading and indexing ${pages.length} pages`);
    const indexing = await measure(async (durations) => {
      let sent = 0;
      let batches = 0;
      const indexQueued = async () => {
        const jobs = sqs.drain(queueUrl);
        sent += jobs.length;
        for (let start = 0; start < jobs.length; start += stack.indexerBatchSize) {
          const batch = jobs.slice(start, start + stack.indexerBatchSize);
          batches += 1;
          const reply = (await timed(durations, 'IngestionIndexer', () =>
            indexer(
              sqsEvent(...batch.map((job) => sqsRecord(job.body, { messageId: job.messageId }))),
              context('indexer'),
            ),
          )) as { batchItemFailures: unknown[] };
          if (reply.batchItemFailures.length > 0) throw new Error('the indexer failed a record');
        }
      };
      for (const [index, page] of pages.entries()) {
        const reply = await timed(durations, 'DocumentsApi', () =>
          documents(
            apiGatewayEvent({
              method: 'POST',
              url: '/v1/documents',
              routeKey: 'POST /v1/documents',
              headers,
              body: JSON.stringify({ title: page.title, text: page.text }),
            }),
            context('documents'),
          ),
        );
        if (reply.statusCode !== 202) throw new Error(`upload answered ${reply.statusCode}`);
        if ((index + 1) % stack.indexerBatchSize === 0) await indexQueued();
      }
      await indexQueued();
      // Each batch: the event source's ReceiveMessage and DeleteMessageBatch, beside our sends.
      return { httpApi: pages.length, functionUrl: 0, sqs: sent + 2 * batches };
    });

    options.log(`cost: ${options.chats} buffered chats`);
    const buffered = await measure(async (durations) => {
      for (let index = 0; index < options.chats; index += 1) {
        const reply = await timed(durations, 'ChatApi', () =>
          chat(
            apiGatewayEvent({
              method: 'POST',
              url: '/v1/chat',
              routeKey: 'POST /v1/chat',
              headers,
              body: JSON.stringify({ message: QUESTIONS[index % QUESTIONS.length] }),
            }),
            context('chat'),
          ),
        );
        if (reply.statusCode !== 200) throw new Error(`chat answered ${reply.statusCode}`);
      }
      return { httpApi: options.chats, functionUrl: 0, sqs: 0 };
    });

    options.log(`cost: ${options.chats} streamed chats`);
    const streamed = await measure(async (durations) => {
      for (let index = 0; index < options.chats; index += 1) {
        const response = await timed(durations, 'StreamingStreamChat', async () => {
          const invocation = invokeStreaming(
            stream,
            functionUrlEvent({
              method: 'POST',
              url: '/',
              headers,
              body: JSON.stringify({ message: QUESTIONS[index % QUESTIONS.length] }),
            }),
            context('stream'),
          );
          await invocation.done;
          return invocation;
        });
        if (response.prelude.statusCode !== 200)
          throw new Error(`stream answered ${response.prelude.statusCode}`);
      }
      return { httpApi: 0, functionUrl: options.chats, sqs: 0 };
    });

    options.log('cost: the reconciler on an idle table');
    const reconcileRuns = 5;
    const reconciling = await measure(async (durations) => {
      for (let index = 0; index < reconcileRuns; index += 1) {
        await timed(durations, 'ReconcilerReconcile', () =>
          reconciler(
            scheduledEvent('arn:aws:events:us-east-1:123456789012:rule/reconcile'),
            context('reconciler'),
          ),
        );
      }
      return { httpApi: 0, functionUrl: 0, sqs: 0 };
    });

    const runsPerDay = (24 * 60) / stack.reconcileEveryMinutes;
    const perRun = reconciling.usage;
    const scale = runsPerDay / reconcileRuns;
    const perDay: CountedUsage = {
      ...perRun,
      functions: perRun.functions.map((fn) => ({
        ...fn,
        durationsMs: Array.from(
          { length: runsPerDay },
          (_, index) => fn.durationsMs[index % fn.durationsMs.length]!,
        ),
      })),
      dynamodb: {
        readUnits: perRun.dynamodb.readUnits * scale,
        writeUnits: perRun.dynamodb.writeUnits * scale,
      },
      sqsRequests: stack.queuePollers * IDLE_POLLERS * ((24 * 3600) / POLL_SECONDS),
      xrayTraces: runsPerDay * XRAY_SAMPLED,
    };
    const idle = {
      ...idleCostPerDay({ alarms: stack.alarms, secrets: stack.secrets, perDay }, prices),
      perDay,
    };
    const violations = openai.violations.length + qdrant.violations.length;
    if (violations > 0) throw new Error(`the stand-ins recorded ${violations} spec violations`);

    const details: CostDetails = {
      prices: {
        date: prices.date,
        region: prices.region,
        architecture: prices.architecture,
        sources: prices.sources,
      },
      stack,
      assumptions: [
        'Durations are the handlers run in this process on this machine, warm (no init), billed at the template memory rounded up to the ms; a 1 024 MB Lambda has about 0.6 vCPU, so expect longer durations there.',
        'Tokens are the stand-ins’ counts (words, not tiktoken tokens): real counts run about 1.3× higher.',
        'DynamoDB units: what dynalite reports per call (ReturnConsumedCapacity), plus index writes and transactions (×2) computed from item sizes.',
        `SQS: our SendMessage calls plus the event source’s ReceiveMessage and DeleteMessageBatch per batch; idle: ${IDLE_POLLERS} long polls of ${POLL_SECONDS} s per event source.`,
        `X-Ray: ${XRAY_SAMPLED * 100}% of invocations traced (default sampling).`,
        'Secrets Manager reads are cached per container (SECRETS_MAX_AGE_SECONDS), so a warm chat makes none; not counted.',
        'Not counted: cold starts’ init (section 7 gives its duration), CloudWatch Logs ingestion ($0.50/GB) and storage growth (DynamoDB $0.25/GB-month, S3 $0.023/GB-month).',
      ],
      chatsBuffered: run(options.chats, buffered),
      chatsStreamed: run(options.chats, streamed),
      pages: run(pages.length, indexing),
      idle,
    };
    return { figures: figuresOf(details), details };
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    await Promise.all([db.close(), s3.close(), sqs.close(), openai.close(), qdrant.close()]);
  }
};

const figuresOf = (details: CostDetails): Figure[] => {
  const rows: [string, CostRun][] = [
    ['1 000 chats, buffered (HTTP API)', details.chatsBuffered],
    ['1 000 chats, streamed (function URL, resumable)', details.chatsStreamed],
    ['1 000 indexed pages', details.pages],
  ];
  const figures: Figure[] = [];
  for (const [label, { perThousand }] of rows) {
    figures.push(
      { section: SECTION, metric: `$ per ${label}`, unit: '$', ours: perThousand.total },
      {
        section: SECTION,
        metric: `$ per ${label}: AWS only (without model tokens)`,
        unit: '$',
        ours: perThousand.total - perThousand.models,
      },
    );
  }
  figures.push({
    section: SECTION,
    metric:
      '$ per day idle (alarms, secrets, reconciler schedule, queue polls; Qdrant not included)',
    unit: '$',
    ours: details.idle.total,
  });
  return figures;
};
