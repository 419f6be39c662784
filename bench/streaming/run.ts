import { randomUUID } from 'node:crypto';
import type { OpenAiRequestRecord } from '../../test/support/openai-stand-in.js';
import { ANSWER_TOKENS, type BenchEnvironment, benchReply } from '../lib/environment.js';
import type { Figure } from '../lib/report.js';
import { busyTime } from '../lib/server-timings.js';
import { median, percentile } from '../lib/stats.js';
import { startAiSdkBaseline } from './ai-sdk-baseline.js';
import { readUiMessageStream, type StreamReading } from './ui-stream-client.js';

/** Options of {@link runStreaming}. */
export interface StreamingOptions {
  /** Measured streams per server (after one warm-up each). */
  runs: number;
  log: (line: string) => void;
}

/** What one measured stream gave. */
export interface StreamRun {
  target: 'ours' | 'baseline';
  /** Per-token delay from the stand-in's write to the client's read, in ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Client reads that completed a text delta, per token (1 = one read per token). */
  deltaReadsPerToken: number;
  /** Every client read per token (our stream's flush comments may add reads). */
  readsPerToken: number;
  /** From `fetch` to the first text delta, in ms. */
  ttftMs: number;
  /** Time within the TTFT when a stand-in (embedding, vector query, model) was working. */
  standInMs: number;
  embeddingMs: number;
  vectorQueryMs: number;
  modelTtftMs: number;
  /** `ttftMs − standInMs`: what the server itself added before the first token. */
  ttftOverheadMs: number;
  /** Overhead before the first stand-in request (client send, auth, parsing, SDK set-up). */
  beforeUpstreamMs: number;
  /** Overhead between stand-in calls (reply decoding, next request's building). */
  betweenUpstreamMs: number;
  /**
   * Part of {@link StreamRun.betweenUpstreamMs}: from the vector query's reply to the model
   * request (ranking, prompt building, and whatever else the answer waits for there).
   */
  vectorToModelMs: number;
  /** From the model's first token write to the client's read of it. */
  afterFirstTokenMs: number;
}

/** Raw measurements of section 3. */
export interface StreamingDetails {
  tokenIntervalMs: number;
  firstTokenDelayMs: number;
  embeddingDelayMs: number;
  runs: StreamRun[];
}

const SECTION = '3 streaming';
const TOKEN_INTERVAL_MS = 10;
const FIRST_TOKEN_DELAY_MS = 50;
const EMBEDDING_DELAY_MS = 20;
const QUESTION = 'How do I declare path parameters with types, and how are they validated?';
/** The TTFT overhead may be at most this multiple of the AI SDK baseline's (issue 15). */
const TTFT_OVERHEAD_RATIO = 1.3;
/** Two medians closer than this are the same within the clock and scheduler's resolution. */
const NOISE_MS = 0.1;

const portOf = (url: string): number => Number(new URL(url).port);

const tokensOf = (text: string): string[] => text.match(/\s*\S+/g) ?? [];

const chatRequestAfter = (requests: readonly OpenAiRequestRecord[], sentAt: number) =>
  requests.filter(
    (request) => request.endpoint === 'chat.completions' && request.receivedAt >= sentAt,
  )[0];

/**
 * Section 3, streaming: the OpenAI stand-in streams {@link ANSWER_TOKENS} tokens 10 ms apart
 * (first token after 50 ms, embeddings after 20 ms); the same client code reads our streaming
 * function through the local stack's function URL (auth, history, embedding, Qdrant query,
 * model, storage) and the AI SDK baseline relaying the same stand-in, alternating. Per-token
 * delay is the client's read time minus the stand-in's write time of that token; the TTFT
 * overhead is the client's TTFT minus the time a stand-in was busy within it (server-side
 * timings through `diagnostics_channel`; for the model, until its first token write).
 */
export const runStreaming = async (
  environment: BenchEnvironment,
  options: StreamingOptions,
): Promise<{ figures: Figure[]; details: StreamingDetails }> => {
  const { openai, stack, timings } = environment;
  openai.configure({
    tokenIntervalMs: TOKEN_INTERVAL_MS,
    firstTokenDelayMs: FIRST_TOKEN_DELAY_MS,
    embeddingDelayMs: EMBEDDING_DELAY_MS,
    reply: benchReply,
  });
  const expected = tokensOf(benchReply({ model: '', messages: [] }));
  const baseline = await startAiSdkBaseline({ openAiUrl: openai.url, model: 'gpt-4o-mini' });
  const openaiPort = portOf(openai.url);
  const qdrantPort = portOf(environment.qdrant.url);

  const measure = async (target: StreamRun['target']): Promise<StreamRun> => {
    const reading: StreamReading =
      target === 'ours'
        ? await readUiMessageStream(
            stack.streamUrl,
            { authorization: `Bearer ${stack.apiKey}` },
            { sessionId: `bench-${randomUUID()}`, message: QUESTION },
          )
        : await readUiMessageStream(baseline.url, {}, { message: QUESTION });
    const chat = chatRequestAfter(openai.requests, reading.sentAt);
    if (reading.status !== 200 || !reading.done || chat === undefined) {
      throw new Error(`${target}: stream failed (status ${reading.status}, done ${reading.done})`);
    }
    await chat.settled;
    const writes = chat.tokenWrites;
    const received = reading.deltas.map((delta) => delta.delta);
    if (
      writes.length !== expected.length ||
      received.length !== expected.length ||
      received.some((delta, index) => delta !== expected[index])
    ) {
      throw new Error(
        `${target}: ${received.length} deltas received, ${writes.length} written, ${expected.length} expected`,
      );
    }
    const delays = reading.deltas.map((delta, index) => delta.at - writes[index]!);
    const first = reading.deltas[0]!.at;
    const served = timings
      .between(reading.sentAt, first)
      .filter((request) => request.port === openaiPort || request.port === qdrantPort);
    const span = (predicate: (url: string, port: number) => boolean, end?: number) =>
      served
        .filter((request) => predicate(request.url, request.port))
        .map((request) => [request.start, end ?? request.finish ?? first] as const);
    const embedding = span((url, port) => port === openaiPort && url.includes('/embeddings'));
    const vector = span((_, port) => port === qdrantPort);
    const model = span(
      (url, port) => port === openaiPort && url.includes('/chat/completions'),
      writes[0],
    );
    const within = (intervals: readonly (readonly [number, number])[]) =>
      busyTime(intervals, reading.sentAt, first);
    const all = [...embedding, ...vector, ...model];
    const standInMs = within(all);
    const ttftMs = first - reading.sentAt;
    const beforeUpstreamMs = Math.min(...all.map(([start]) => start)) - reading.sentAt;
    const afterFirstTokenMs = first - writes[0]!;
    const vectorRepliedAt = Math.max(...vector.map(([, end]) => end));
    const modelAskedAt = Math.min(...model.map(([start]) => start));
    const deltaReads = reading.reads.filter((read) => read.deltas > 0).length;
    return {
      target,
      p50Ms: percentile(delays, 50),
      p99Ms: percentile(delays, 99),
      maxMs: Math.max(...delays),
      deltaReadsPerToken: deltaReads / expected.length,
      readsPerToken: reading.reads.length / expected.length,
      ttftMs,
      standInMs,
      embeddingMs: within(embedding),
      vectorQueryMs: within(vector),
      modelTtftMs: within(model),
      ttftOverheadMs: ttftMs - standInMs,
      beforeUpstreamMs,
      betweenUpstreamMs: ttftMs - standInMs - beforeUpstreamMs - afterFirstTokenMs,
      vectorToModelMs: vector.length > 0 ? Math.max(0, modelAskedAt - vectorRepliedAt) : 0,
      afterFirstTokenMs,
    };
  };

  try {
    await measure('ours');
    await measure('baseline');
    const runs: StreamRun[] = [];
    for (let run = 0; run < options.runs; run += 1) {
      const order: StreamRun['target'][] =
        run % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours'];
      for (const target of order) runs.push(await measure(target));
    }
    options.log(`streaming: ${runs.length} streams of ${expected.length} tokens measured`);
    const med = (target: StreamRun['target'], field: keyof Omit<StreamRun, 'target'>) =>
      median(runs.filter((run) => run.target === target).map((run) => run[field]));
    const p50 = med('ours', 'p50Ms');
    const p50Base = med('baseline', 'p50Ms');
    const figures: Figure[] = [
      {
        section: SECTION,
        metric: 'per-token delay p50, stand-in write → client read',
        unit: 'ms',
        ours: p50,
        baseline: p50Base,
        target: `≤ baseline (±${NOISE_MS} ms)`,
        met: p50 <= p50Base + NOISE_MS,
      },
      {
        section: SECTION,
        metric: 'per-token delay p99',
        unit: 'ms',
        ours: med('ours', 'p99Ms'),
        baseline: med('baseline', 'p99Ms'),
        target: '≤ 5 ms',
        met: med('ours', 'p99Ms') <= 5,
      },
      {
        section: SECTION,
        metric: 'client reads with a text-delta, per token',
        unit: '',
        ours: med('ours', 'deltaReadsPerToken'),
        baseline: med('baseline', 'deltaReadsPerToken'),
        target: '= 1',
        met: med('ours', 'deltaReadsPerToken') === 1,
      },
      {
        section: SECTION,
        metric: 'client reads (all), per token',
        unit: '',
        ours: med('ours', 'readsPerToken'),
        baseline: med('baseline', 'readsPerToken'),
      },
      {
        section: SECTION,
        metric: 'client TTFT (stand-ins: embed 20 + query + model 50 ms)',
        unit: 'ms',
        ours: med('ours', 'ttftMs'),
        baseline: med('baseline', 'ttftMs'),
      },
      {
        section: SECTION,
        metric: 'TTFT overhead = client TTFT − stand-in latencies',
        unit: 'ms',
        ours: med('ours', 'ttftOverheadMs'),
        baseline: med('baseline', 'ttftOverheadMs'),
        target: `≤ ${TTFT_OVERHEAD_RATIO}× baseline`,
        met:
          med('ours', 'ttftOverheadMs') <= TTFT_OVERHEAD_RATIO * med('baseline', 'ttftOverheadMs'),
      },
      ...(
        [
          ['beforeUpstreamMs', '… of which before the first upstream call'],
          ['betweenUpstreamMs', '… of which between upstream calls'],
          ['vectorToModelMs', '… … of which from the vector query to the model request'],
          ['afterFirstTokenMs', '… of which relaying the first token'],
        ] as const
      ).map(
        ([field, metric]): Figure => ({
          section: SECTION,
          metric,
          unit: 'ms',
          ours: med('ours', field),
          baseline: med('baseline', field),
        }),
      ),
    ];
    return {
      figures,
      details: {
        tokenIntervalMs: TOKEN_INTERVAL_MS,
        firstTokenDelayMs: FIRST_TOKEN_DELAY_MS,
        embeddingDelayMs: EMBEDDING_DELAY_MS,
        runs,
      },
    };
  } finally {
    await baseline.close();
  }
};
