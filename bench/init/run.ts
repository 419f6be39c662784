import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apiGatewayEvent, functionUrlEvent } from '../../dev/http-events.js';
import { type ArtifactStack, startArtifactStack } from '../../test/deployment/artifact-stack.js';
import {
  type LambdaContainer,
  startLambdaContainer,
} from '../../test/deployment/lambda-container.js';
import { parseFunctionUrlResponse, scheduledEvent } from '../../test/deployment/lambda-events.js';
import type { InvocationResult } from '../../test/deployment/runtime-api-server.js';
import { ensureRuntimeClient } from '../../test/deployment/runtime-client.js';
import { sqsEvent, sqsRecord } from '../../test/support/sqs-events.js';
import type { Figure } from '../lib/report.js';
import { median } from '../lib/stats.js';
import { makeSelfSignedCertificate, startTlsFront, type TlsFront } from './tls-front.js';

/** Options of {@link runInit}. */
export interface InitOptions {
  workDir: string;
  /** Cold starts per function and variant. */
  repetitions: number;
  log: (line: string) => void;
}

/** One cold start: times from spawning the runtime process, in ms. */
export interface ColdStartSample {
  /** Spawn → the runtime's first `GET /invocation/next` (the end of Lambda's init). */
  initMs: number;
  /** That first `/next` → the first response fully posted. */
  firstRequestMs: number;
  /** Spawn → the first response. */
  totalMs: number;
  /** Connections whose priming failed or timed out (logged by the function). */
  primingFailures: number;
}

/** Raw measurements of the section. */
export interface InitDetails {
  /** Per function (and `hello-world`), the cold starts over plain HTTP, priming on. */
  plain: Record<string, ColdStartSample[]>;
  /** Per round trip, function and priming, the cold starts with the dependencies over TLS. */
  tls: Record<string, Record<string, { primed: ColdStartSample[]; unprimed: ColdStartSample[] }>>;
}

const SECTION = '7 init (runtime client)';
const INIT_TARGET = 2;
const QUESTION = 'How are path parameters declared?';
const DOCUMENT = {
  title: 'Path parameters',
  text: 'Path parameters are declared in the path with braces. FastAPI converts each path parameter to the declared type and validates it.',
};

/** The functions, the names the figures use, and the request each cold start answers. */
const FUNCTIONS: readonly { artifact: string; name: string; request: string }[] = [
  { artifact: 'PublicApi', name: 'public', request: 'GET /health' },
  { artifact: 'ChatApi', name: 'chat', request: 'POST /v1/chat' },
  { artifact: 'DocumentsApi', name: 'documents', request: 'POST /v1/documents' },
  { artifact: 'StreamingStreamChat', name: 'stream', request: 'POST / (streamed answer)' },
  { artifact: 'IngestionIndexer', name: 'indexer', request: 'an SQS batch of one new version' },
  { artifact: 'ReconcilerReconcile', name: 'reconciler', request: 'a scheduled event' },
];

/** Functions whose first request the priming shortens (the others prime nothing). */
const PRIMED = ['chat', 'stream', 'documents'];

/** Round trips the TLS variant is run with: loopback, and a nearby network's. */
const ROUND_TRIPS_MS = [0, 10];

/**
 * The shared machine runs a first DynamoDB call in over a second at times; priming waits up to
 * 5 s here (default 1 s) so that the primed rows are primed.
 */
const BENCH_ENV = { PRIME_TIMEOUT_MS: '5000' };

/** A handler that answers at once: the floor of any Node.js 24 cold start under the client. */
const HELLO_WORLD = "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n";

const answerOk = (name: string, result: InvocationResult): void => {
  if (result.error) throw new Error(`${name} failed: ${result.error.type} ${result.error.body}`);
  const text = result.body.toString('utf8');
  const status =
    name === 'stream'
      ? parseFunctionUrlResponse(result.contentType, result.body).statusCode
      : name === 'indexer' || name === 'reconciler'
        ? 200
        : (JSON.parse(text) as { statusCode: number }).statusCode;
  if (status >= 300) {
    const body = name === 'stream' ? text : String(JSON.parse(text).body);
    throw new Error(`${name} answered ${status}: ${body.slice(0, 800)}`);
  }
  if (name === 'indexer' && JSON.parse(text).batchItemFailures.length > 0) {
    throw new Error(`indexer reported failures: ${text}`);
  }
};

/**
 * Spawns a fresh runtime process, queues `event` at once (the invocation that caused the cold
 * start, as Lambda hands it to the first `/next`), and times it.
 */
const coldStart = async (
  name: string,
  start: () => Promise<LambdaContainer>,
  event: unknown,
): Promise<ColdStartSample> => {
  const container = await start();
  try {
    const result = await container.invoke(event);
    const done = performance.now();
    answerOk(name, result);
    const ready = container.runtimeApi.nextCalls[0];
    if (ready === undefined) throw new Error(`${name} answered without calling /next`);
    return {
      initMs: ready - container.startedAt,
      firstRequestMs: done - ready,
      totalMs: done - container.startedAt,
      primingFailures: container.logs.filter((line) => line.includes('Priming a connection'))
        .length,
    };
  } finally {
    await container.close();
  }
};

/** The event of each function's first request; the indexer's is a version uploaded just before. */
const eventFactory = (stack: ArtifactStack) => {
  const auth = { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' };
  const documents = stack.functions.get('DocumentsApi')?.container;
  let version = 0;
  return async (name: string): Promise<unknown> => {
    switch (name) {
      case 'public':
        return apiGatewayEvent({ method: 'GET', url: '/health', routeKey: 'GET /health' });
      case 'chat':
        return apiGatewayEvent({
          method: 'POST',
          url: '/v1/chat',
          routeKey: 'POST /v1/chat',
          headers: auth,
          body: JSON.stringify({ message: QUESTION }),
        });
      case 'documents':
        version += 1;
        return apiGatewayEvent({
          method: 'POST',
          url: '/v1/documents',
          routeKey: 'POST /v1/documents',
          headers: auth,
          body: JSON.stringify({ ...DOCUMENT, text: `${DOCUMENT.text} Revision ${version}.` }),
        });
      case 'stream':
        return functionUrlEvent({
          method: 'POST',
          url: '/',
          headers: auth,
          body: JSON.stringify({ message: QUESTION }),
        });
      case 'indexer': {
        if (!documents) throw new Error('no documents function');
        stack.services.sqs.drain(stack.queueUrl);
        version += 1;
        const upload = await documents.invoke(
          apiGatewayEvent({
            method: 'POST',
            url: '/v1/documents',
            routeKey: 'POST /v1/documents',
            headers: auth,
            body: JSON.stringify({ ...DOCUMENT, text: `${DOCUMENT.text} Revision ${version}.` }),
          }),
        );
        answerOk('documents', upload);
        const jobs = stack.services.sqs.drain(stack.queueUrl);
        return sqsEvent(...jobs.map((job) => sqsRecord(job.body, { messageId: job.messageId })));
      }
      case 'reconciler':
        return scheduledEvent('arn:aws:events:us-east-1:123456789012:rule/reconcile');
      default:
        throw new Error(`no event for ${name}`);
    }
  };
};

const portOf = (url: string): number => Number(new URL(url).port);

/**
 * Section 7: every function's bundle from the synthesized cloud assembly (`cdk synth`, as the
 * artifact tests run it) started cold under AWS's runtime interface client, beside a
 * hello-world handler under the same client, interleaved, `repetitions` times each: spawn →
 * runtime ready (first `/next`) → first response. Then the functions that prime connections,
 * with the model, Qdrant and DynamoDB served over TLS (a self-signed certificate trusted
 * through `NODE_EXTRA_CA_CERTS`), with and without priming, on loopback and with a simulated
 * round trip.
 */
export const runInit = async (
  options: InitOptions,
): Promise<{ figures: Figure[]; details: InitDetails }> => {
  const runtimeClientEntry = ensureRuntimeClient();
  options.log('init: synthesizing and starting the artifact stack');
  const stack = await startArtifactStack({
    tokenIntervalMs: 0,
    reuseSynthesized: process.env.BENCH_REUSE_SYNTH === '1',
  });
  const fronts: TlsFront[] = [];
  try {
    // Let the stack's own six inits finish before anything is timed or uploaded.
    for (const fn of stack.functions.values()) {
      while (fn.container.runtimeApi.nextCalls.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const helloDir = join(options.workDir, 'hello-world');
    await mkdir(helloDir, { recursive: true });
    await writeFile(join(helloDir, 'index.mjs'), HELLO_WORLD);
    const memorySize = stack.functions.get('ChatApi')?.template.memorySize ?? 1024;
    const startHello = () =>
      startLambdaContainer({
        name: 'HelloWorld',
        codeDirectory: helloDir,
        handler: 'index.handler',
        environment: {},
        memorySize,
        runtimeClientEntry,
        region: 'us-east-1',
        accountId: '123456789012',
      });
    const eventOf = eventFactory(stack);
    // Index one version so that chats retrieve something.
    await eventOf('indexer').then((event) =>
      stack.functions.get('IngestionIndexer')?.container.invoke(event),
    );

    const plain: InitDetails['plain'] = { 'hello-world': [] };
    for (const fn of FUNCTIONS) plain[fn.name] = [];
    for (let round = 0; round < options.repetitions; round += 1) {
      plain['hello-world']!.push(await coldStart('hello-world', startHello, {}));
      for (const fn of FUNCTIONS) {
        const event = await eventOf(fn.name);
        plain[fn.name]!.push(
          await coldStart(fn.name, () => stack.startContainer(fn.artifact, BENCH_ENV), event),
        );
      }
      options.log(`init: ${round + 1}/${options.repetitions} rounds over plain HTTP`);
    }

    const certificate = makeSelfSignedCertificate(options.workDir);
    const dynamoEndpoint = stack.functions.get('ChatApi')?.environment.AWS_ENDPOINT_URL_DYNAMODB;
    if (!dynamoEndpoint) throw new Error('no DynamoDB endpoint in the chat function environment');
    const tls: InitDetails['tls'] = {};
    for (const roundTripMs of ROUND_TRIPS_MS) {
      const front = (url: string) =>
        startTlsFront(portOf(url), certificate, { roundTripMs }).then((started) => {
          fronts.push(started);
          return started.port;
        });
      const environment = {
        OPENAI_BASE_URL: `https://127.0.0.1:${await front(stack.services.openai.url)}/v1`,
        QDRANT_URL: `https://127.0.0.1:${await front(stack.services.qdrant.url)}`,
        AWS_ENDPOINT_URL_DYNAMODB: `https://127.0.0.1:${await front(dynamoEndpoint)}`,
        NODE_EXTRA_CA_CERTS: certificate.certFile,
      };
      const byFunction: InitDetails['tls'][string] = {};
      for (const name of PRIMED) byFunction[name] = { primed: [], unprimed: [] };
      for (let round = 0; round < options.repetitions; round += 1) {
        for (const fn of FUNCTIONS.filter((candidate) => PRIMED.includes(candidate.name))) {
          for (const primed of [true, false]) {
            const event = await eventOf(fn.name);
            const sample = await coldStart(
              fn.name,
              () =>
                stack.startContainer(fn.artifact, {
                  ...BENCH_ENV,
                  ...environment,
                  PRIME_CONNECTIONS: String(primed),
                }),
              event,
            );
            byFunction[fn.name]![primed ? 'primed' : 'unprimed'].push(sample);
          }
        }
      }
      tls[`${roundTripMs} ms`] = byFunction;
      options.log(`init: TLS with a ${roundTripMs} ms round trip done`);
    }
    const violations =
      stack.services.openai.violations.length + stack.services.qdrant.violations.length;
    if (violations > 0) throw new Error(`the stand-ins recorded ${violations} spec violations`);
    return { figures: figuresOf(plain, tls), details: { plain, tls } };
  } finally {
    await stack.close();
    await Promise.all(fronts.map((front) => front.close()));
  }
};

const med = (
  samples: readonly ColdStartSample[],
  key: Exclude<keyof ColdStartSample, 'primingFailures'>,
) => median(samples.map((sample) => sample[key]));

const figuresOf = (plain: InitDetails['plain'], tls: InitDetails['tls']): Figure[] => {
  const hello = plain['hello-world']!;
  const figures: Figure[] = [];
  for (const fn of FUNCTIONS) {
    const samples = plain[fn.name]!;
    const init = med(samples, 'initMs');
    figures.push(
      {
        section: SECTION,
        metric: `${fn.name}: spawn → runtime ready (baseline: hello world)`,
        unit: 'ms',
        ours: init,
        baseline: med(hello, 'initMs'),
        target: `≤ ${INIT_TARGET}× hello world`,
        met: init <= INIT_TARGET * med(hello, 'initMs'),
      },
      {
        section: SECTION,
        metric: `${fn.name}: spawn → first response, ${fn.request}`,
        unit: 'ms',
        ours: med(samples, 'totalMs'),
        baseline: med(hello, 'totalMs'),
      },
    );
  }
  for (const [roundTrip, byFunction] of Object.entries(tls)) {
    for (const [name, { primed, unprimed }] of Object.entries(byFunction)) {
      const label = `${name} over TLS, ${roundTrip} round trip, primed (baseline: not primed)`;
      figures.push(
        {
          section: SECTION,
          metric: `${label}: first request`,
          unit: 'ms',
          ours: med(primed, 'firstRequestMs'),
          baseline: med(unprimed, 'firstRequestMs'),
        },
        {
          section: SECTION,
          metric: `${label}: init`,
          unit: 'ms',
          ours: med(primed, 'initMs'),
          baseline: med(unprimed, 'initMs'),
        },
        {
          section: SECTION,
          metric: `${label}: spawn → first response`,
          unit: 'ms',
          ours: med(primed, 'totalMs'),
          baseline: med(unprimed, 'totalMs'),
        },
      );
    }
  }
  return figures;
};
