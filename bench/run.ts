/**
 * `npm run bench`: measures cold start, per-invocation overhead, streaming latency, indexing
 * throughput, chat throughput, the costs of resumable streams, init under the Lambda runtime
 * client (7) and the cost per 1 000 chats and pages (8), each beside a baseline measured in the
 * same run where there is one, prints one table and writes `bench/results.json` (a partial
 * run, `--only` or `--quick`, writes `bench/results.partial.json` instead).
 *
 * Sections 7 and 8 synthesize the app (`cdk synth`); 7 runs the bundles under `aws-lambda-ric`
 * (installed on first use, like the artifact tests).
 *
 * Options: `--quick` (fewer repeats, about a minute: for trying the benchmark out, not for
 * numbers), `--only=1,3` (some sections), `--keep-work` (keep `bench/.work`: bundles,
 * metafiles, transpiled code).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { runColdStart } from './cold-start/run.js';
import { runCost } from './cost/run.js';
import { runIndexing } from './indexing/run.js';
import { runInit } from './init/run.js';
import { type BenchEnvironment, startEnvironment } from './lib/environment.js';
import { indexThroughStack } from './lib/index-through-stack.js';
import { NODE_BIN, resultsFileOf, WORK_DIR } from './lib/paths.js';
import { type BenchReport, type Figure, renderTable } from './lib/report.js';
import { runOverhead } from './overhead/run.js';
import { runPdfIngestion } from './pdf/run.js';
import { runResumable } from './resumable/run.js';
import { runStreaming } from './streaming/run.js';
import { runThroughput } from './throughput/run.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'keep-work': { type: 'boolean', default: false },
  },
});
const quick = values.quick === true;
const only = new Set((values.only ?? '1,2,3,4,5,6,7,8,9').split(',').map((part) => part.trim()));
const started = Date.now();
const log = (line: string) => {
  const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${seconds} s] ${line}\n`);
};

/** Repeats per section: the full run, and `--quick`. */
const PLAN = quick
  ? {
      processes: 5,
      calls: 20_000,
      rounds: 3,
      streams: 2,
      indexRuns: 1,
      pdfRuns: 1,
      naiveSample: 3,
      seconds: 3,
      windows: 3,
      stops: 5,
      coldStarts: 2,
      chats: 10,
      pages: 20,
    }
  : {
      processes: 20,
      calls: 100_000,
      rounds: 5,
      streams: 5,
      indexRuns: 3,
      pdfRuns: 3,
      naiveSample: 10,
      seconds: 10,
      windows: 5,
      stops: 20,
      coldStarts: 5,
      chats: 50,
      pages: 155,
    };

const BASELINES: Record<string, string> = {
  '1': 'the same handler transpiled file by file (no bundling, no minifying) and imported with its packages from node_modules; bundle size beside the bytes of all sources esbuild read. Times: import() in a fresh Node 24 process (no AWS_LAMBDA_RUNTIME_API, so nothing is composed), median of the processes.',
  '2': 'a bare async handler returning the same response object, same process, alternating rounds.',
  '3': "a node:http server built from the AI SDK's createUIMessageStream + createUIMessageStreamResponse, relaying the same OpenAI stand-in through the openai SDK; both read by the same fetch client.",
  '4': 'a naive indexer (same chunks; one embedding call and one upsert per chunk, sequential) on an evenly spaced sample, its median time per chunk extrapolated to the corpus. Embedding stand-in: 100 ms per call.',
  '5': 'a minimal node:http RAG server making the same upstream calls (embedding, Qdrant query, chat completion) with no middleware, auth or DynamoDB. Zero-latency OpenAI stand-in (real openai SDK) and Qdrant stand-in with the indexed corpus, all in this process.',
  '7': "a hello-world handler (`async () => ({ statusCode: 200 })`) started cold under the same runtime interface client (aws-lambda-ric) in the same run, interleaved with the functions; each function's bundle from the synthesized cloud assembly, with the template's handler, memory and environment, dependencies on local stand-ins (Secrets Manager, DynamoDB on dynalite, S3, SQS, OpenAI, Qdrant). Priming rows: the same function with PRIME_CONNECTIONS=false, the model, Qdrant and DynamoDB behind TLS fronts (self-signed certificate, NODE_EXTRA_CA_CERTS), on loopback and with a simulated round trip (connection set-up: two round trips). Medians.",
  '8': 'no baseline: dollars from usage counted during the run (Lambda GB-s at the template memory, requests, DynamoDB units from an instrumented client, SQS and S3 requests, model tokens the stand-ins report) priced by bench/prices.json (dated, us-east-1, arm64); assumptions in results.json details.cost.',
  '9': 'the same PDF indexed as one job (INDEX_PART_CHUNKS above its chunk count), same local stack set-up, alternating runs. A generated 300-page text PDF (about 350 words a page), multipart upload to a fresh local stack (indexer in its worker thread), OpenAI stand-in at 100 ms per embedding call; tokens estimated as the chunker does.',
  '6': 'the same streaming handler with recording off (writer per-token delay). Two handler instances over one dynalite table, a model paced at 10 ms per token, 500 tokens; followers join 200 ms in; stops are requested on the other instance at a random point. Costs: DynamoDB on-demand prices, us-east-1.',
};

const figures: Figure[] = [];
const details: Record<string, unknown> = {};
const failures: string[] = [];

/**
 * Runs one section; a section that fails is reported and the others still run, so one broken
 * section cannot cost the whole table.
 */
const section = async (name: string, run: () => Promise<void>): Promise<void> => {
  try {
    await run();
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    failures.push(`${name}: ${message.split('\n').slice(0, 3).join(' ')}`);
    log(`FAILED ${name}: ${message}`);
  }
};
await rm(WORK_DIR, { recursive: true, force: true });
await mkdir(WORK_DIR, { recursive: true });

try {
  if (only.has('1'))
    await section('1 cold start', async () => {
      log(`1 cold start: ${PLAN.processes} fresh processes per function and variant`);
      const result = await runColdStart({ workDir: WORK_DIR, processes: PLAN.processes, log });
      figures.push(...result.figures);
      details.coldStart = result.details;
    });
  if (only.has('2'))
    await section('2 overhead', async () => {
      log(`2 overhead: ${PLAN.calls} calls × ${PLAN.rounds} rounds per handler`);
      const result = await runOverhead({ calls: PLAN.calls, rounds: PLAN.rounds });
      figures.push(...result.figures);
      details.overhead = result.details;
    });
  if (only.has('7'))
    await section('7 init', async () => {
      log(
        `7 init under the runtime client: ${PLAN.coldStarts} cold starts per function and variant`,
      );
      const result = await runInit({ workDir: WORK_DIR, repetitions: PLAN.coldStarts, log });
      figures.push(...result.figures);
      details.init = result.details;
    });
  if (only.has('8'))
    await section('8 cost', async () => {
      log(`8 cost: ${PLAN.pages} pages indexed, ${PLAN.chats} chats per flavour`);
      const result = await runCost({
        chats: PLAN.chats,
        pages: PLAN.pages,
        synthesizedSince: started,
        log,
      });
      figures.push(...result.figures);
      details.cost = result.details;
    });
  if (only.has('6'))
    await section('6 resumable', async () => {
      log(`6 resumable streams: ${PLAN.stops} stops`);
      const result = await runResumable({ stops: PLAN.stops, log });
      figures.push(...result.figures);
      details.resumable = result.details;
    });
  if (only.has('9'))
    await section('9 pdf', async () => {
      log(`9 PDF ingestion: ${PLAN.pdfRuns} runs per variant`);
      const result = await runPdfIngestion({ runs: PLAN.pdfRuns, log });
      figures.push(...result.figures);
      details.pdfIngestion = result.details;
    });
  if (only.has('3') || only.has('4') || only.has('5'))
    await section('4 indexing (and 3, 5 on its corpus)', async () => {
      log('starting the stand-ins and the local stack');
      const environment: BenchEnvironment = await startEnvironment(WORK_DIR);
      try {
        if (only.has('4') || only.has('3') || only.has('5')) {
          // Sections 3 and 5 retrieve from the corpus this indexes.
          log('4 indexing');
          const result = await runIndexing(environment, {
            workDir: WORK_DIR,
            runs: only.has('4') ? PLAN.indexRuns : 1,
            naiveSample: only.has('4') ? PLAN.naiveSample : 1,
            log,
          });
          if (only.has('4')) {
            figures.push(...result.figures);
            details.indexing = result.details;
          }
          if (only.has('3') || only.has('5')) {
            // Section 4 indexes into a database of its own: the stack's tenant gets the corpus
            // through the stack, so that its answers find passages and read their documents.
            log('indexing the corpus through the local stack for sections 3 and 5');
            environment.openai.configure({ embeddingDelayMs: 0 });
            await indexThroughStack(environment, result.corpus.documents);
          }
        }
        if (only.has('3'))
          await section('3 streaming', async () => {
            log(`3 streaming: ${PLAN.streams} streams per server`);
            const result = await runStreaming(environment, { runs: PLAN.streams, log });
            figures.push(...result.figures);
            details.streaming = result.details;
          });
        if (only.has('5'))
          await section('5 chat throughput', async () => {
            log(`5 chat throughput: ${PLAN.seconds} s per server and concurrency`);
            const result = await runThroughput(environment, {
              seconds: PLAN.seconds,
              windows: PLAN.windows,
              concurrencies: [1, 20],
              log,
            });
            figures.push(...result.figures);
            details.throughput = result.details;
          });
        const violations =
          environment.openai.violations.length + environment.qdrant.violations.length;
        details.standInViolations = violations;
        if (violations > 0) log(`WARNING: ${violations} spec violations recorded by the stand-ins`);
      } finally {
        await environment.close();
      }
    });
} finally {
  if (values['keep-work'] !== true) await rm(WORK_DIR, { recursive: true, force: true });
}

figures.sort((a, b) => a.section.localeCompare(b.section));
const baselines = Object.fromEntries(Object.entries(BASELINES).filter(([key]) => only.has(key)));
const report: BenchReport = {
  meta: {
    startedAt: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    quick,
    node: `${process.version} (children: ${NODE_BIN})`,
    cpus: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    command: `npm run bench${quick ? ' -- --quick' : ''}${values.only ? ` -- --only=${values.only}` : ''}`,
  },
  baselines,
  figures,
  details,
  ...(failures.length > 0 ? { failures } : {}),
};
const resultsFile = resultsFileOf({ only: values.only, quick });
await writeFile(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
console.log(renderTable(figures, baselines));
for (const failure of failures) log(`FAILED ${failure}`);
log(`done in ${report.meta.durationSeconds} s; wrote ${resultsFile}`);
if (failures.length > 0) process.exitCode = 1;
