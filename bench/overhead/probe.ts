/**
 * Child process of section 2: times the public function's health route through the full
 * middleware stack and a bare async handler returning the same response, in one fresh process.
 * Prints one result line (see `RESULT_MARKER`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { apiGatewayEvent } from '../../dev/http-events.js';
import { localLambdaContext } from '../../lambdas/adapters/local/local-lambda-context.js';
import { createHandler } from '../../lambdas/handlers/public-api.js';
import type { HttpEvent, HttpResult } from '../../lambdas/http/http-types.js';
import { RESULT_MARKER } from '../lib/child-process.js';

// The access log line of each request is built (and serialised) as deployed, then dropped
// instead of crossing the pipe to the parent: on Lambda it goes to the runtime's log channel,
// whose cost is not the stack's. Only the result line reaches stdout.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
  typeof chunk === 'string' && chunk.startsWith(RESULT_MARKER)
    ? write(chunk, ...rest)
    : true) as typeof process.stdout.write;

const calls = Number(process.env.BENCH_CALLS ?? 100_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const warmup = Number(process.env.BENCH_WARMUP ?? 20_000);

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** The public function's handler with the full stack, its logger at `logLevel`. */
const stackAt = (logLevel: 'INFO' | 'WARN') =>
  createHandler({
    http: {
      logger: new Logger({ serviceName: 'bench', logLevel }),
      resolver: {
        execute: async () => ({ tenantId: 'bench', keyId: 'bench' }),
      },
      corsOrigins: ['https://app.example.com'],
      maxBodyBytes: 1_048_576,
    },
    probes: {},
  }) as unknown as Handler;

// As deployed: INFO, so each request writes its access log line.
const full = stackAt('INFO');
// The same stack with the access log line below the level: what the line itself costs.
const quiet = stackAt('WARN');

const template = apiGatewayEvent({
  method: 'GET',
  url: '/health',
  routeKey: 'GET /health',
  headers: {
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    accept: 'application/json',
    'accept-encoding': 'gzip, deflate, br',
    origin: 'https://app.example.com',
    'user-agent': 'Mozilla/5.0 (bench)',
    'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678',
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  },
});
const context = localLambdaContext('public-api', 10_000);

/** A fresh event and context per call, as Lambda gives (both handlers pay for the copies). */
const invoke = (handler: Handler) =>
  handler({ ...template, headers: { ...template.headers } }, { ...context });

const reference = await invoke(full);
if (reference.statusCode !== 200) throw new Error(`health answered ${reference.statusCode}`);
const referenceHeaders = { ...reference.headers };
const referenceBody = reference.body;

/** The bare handler: async, and returns the very response the full stack returns. */
const bare: Handler = async () => ({
  statusCode: 200,
  headers: { ...referenceHeaders },
  body: referenceBody,
});

const loop = async (handler: Handler, count: number): Promise<number> => {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) await invoke(handler);
  return Number(process.hrtime.bigint() - started) / 1_000 / count;
};

await loop(full, warmup);
await loop(quiet, warmup);
await loop(bare, warmup);
const fullUs: number[] = [];
const quietUs: number[] = [];
const bareUs: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  fullUs.push(await loop(full, calls));
  quietUs.push(await loop(quiet, calls));
  bareUs.push(await loop(bare, calls));
}
console.log(
  RESULT_MARKER +
    JSON.stringify({
      fullUs,
      quietUs,
      bareUs,
      calls,
      headers: Object.keys(referenceHeaders).sort(),
    }),
);
