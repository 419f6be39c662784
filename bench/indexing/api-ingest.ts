import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startLocalStackProcess } from '../lib/local-stack-process.js';
import type { StandInStats } from '../lib/stand-in-process.js';
import { percentile } from '../lib/stats.js';
import type { CorpusDocument } from './corpus.js';

/** One whole-corpus ingest through the local stack's HTTP API. */
export interface ApiIngestRun {
  /** From the first upload to the last document `ready` or `failed`. */
  seconds: number;
  /** From the first upload to the last upload's `202`. */
  uploadSeconds: number;
  documents: number;
  failed: number;
  embeddingCalls: number;
  /** Embedding input tokens (estimated, 4 characters a token). */
  embeddingTokens: number;
  /**
   * Embedding requests and tokens per minute over the time requests were being sent; a run
   * shorter than a minute counts as one minute (what the provider's per-minute limit sees).
   */
  requestsPerMinute: number;
  tokensPerMinute: number;
  /** `GET /health` latency before the ingest and during it, in ms. */
  health: {
    idleP50: number;
    idleP99: number;
    duringP50: number;
    duringP99: number;
    duringMax: number;
  };
}

const UPLOAD_CONCURRENCY = 8;
const PROBE_INTERVAL_MS = 20;
const IDLE_PROBE_MS = 3_000;
const STATUS_POLL_MS = 250;

/** Probes `GET /health` every 20 ms until stopped; the latencies of the probes that ended. */
const healthProbe = (apiUrl: string) => {
  const latencies: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(`${apiUrl}/health`);
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return latencies;
    },
  };
};

const pool = async <T>(items: readonly T[], size: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
};

/**
 * The whole corpus as a user sends it: the local stack (`npm run dev`'s composition: dynalite,
 * the in-process queue and indexer, the embedded vector store) in a process of its own, as
 * `npm run dev` runs it, with an OpenAI-compatible embedding server in another process; the
 * uploads, polls and probes come from this process, as a user's `npm run ingest` and `curl` do; every document uploaded through `POST /v1/documents`
 * (8 at a time, as `npm run ingest` can), then polled until all are `ready`. `GET /health` is
 * probed every 20 ms, idle first and then throughout, to show whether indexing stalls the
 * server.
 *
 * @example
 * const run = await runApiIngest(corpus.documents, standIn.url, standIn.stats, 'bench/.work/ingest');
 */
export const runApiIngest = async (
  documents: readonly CorpusDocument[],
  standInUrl: string,
  stats: () => Promise<StandInStats>,
  dataDir: string,
): Promise<ApiIngestRun> => {
  await rm(dataDir, { recursive: true, force: true });
  const stack = await startLocalStackProcess({
    port: 0,
    streamPort: 0,
    dataDir,
    logLevel: 'SILENT',
    env: {
      OPENAI_BASE_URL: standInUrl,
      OPENAI_API_KEY: 'sk-bench',
      MAX_UPLOAD_BYTES: String(4 * 1024 * 1024),
    },
  });
  const headers = { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' };
  try {
    const idle = healthProbe(stack.apiUrl);
    await new Promise((resolve) => setTimeout(resolve, IDLE_PROBE_MS));
    const idleLatencies = await idle.stop();
    const before = await stats();

    const during = healthProbe(stack.apiUrl);
    const started = performance.now();
    const ids: string[] = [];
    await pool(documents, UPLOAD_CONCURRENCY, async (document) => {
      const response = await fetch(`${stack.apiUrl}/v1/documents`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ title: document.title, text: document.text }),
      });
      const body = (await response.json()) as { id?: string; detail?: string };
      if (response.status !== 202 || !body.id) {
        throw new Error(`upload of ${document.title}: ${response.status} ${body.detail ?? ''}`);
      }
      ids.push(body.id);
    });
    const uploadedAt = performance.now();
    let failed = 0;
    for (;;) {
      const response = await fetch(`${stack.apiUrl}/v1/documents?limit=100`, { headers });
      const statuses: string[] = [];
      let page = (await response.json()) as { items: { status: string }[]; nextCursor?: string };
      statuses.push(...page.items.map((item) => item.status));
      while (page.nextCursor) {
        const more = await fetch(
          `${stack.apiUrl}/v1/documents?limit=100&cursor=${encodeURIComponent(page.nextCursor)}`,
          { headers },
        );
        page = (await more.json()) as typeof page;
        statuses.push(...page.items.map((item) => item.status));
      }
      if (
        statuses.length === ids.length &&
        statuses.every((status) => status === 'ready' || status === 'failed')
      ) {
        failed = statuses.filter((status) => status === 'failed').length;
        break;
      }
      // Listing every document is itself work for the stack: poll gently.
      await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
    }
    const seconds = (performance.now() - started) / 1000;
    const uploadSeconds = (uploadedAt - started) / 1000;
    const duringLatencies = await during.stop();
    const after = await stats();
    const calls = after.calls - before.calls;
    const tokens = after.tokens - before.tokens;
    const sendingMinutes = Math.max(after.lastAt - (before.lastAt || after.firstAt), 1) / 60_000;
    return {
      seconds,
      uploadSeconds,
      documents: ids.length,
      failed,
      embeddingCalls: calls,
      embeddingTokens: tokens,
      requestsPerMinute: calls / Math.max(sendingMinutes, seconds / 60, 1),
      tokensPerMinute: tokens / Math.max(sendingMinutes, seconds / 60, 1),
      health: {
        idleP50: percentile(idleLatencies, 50),
        idleP99: percentile(idleLatencies, 99),
        duringP50: percentile(duringLatencies, 50),
        duringP99: percentile(duringLatencies, 99),
        duringMax: Math.max(...duringLatencies),
      },
    };
  } finally {
    await stack.close();
    await rm(join(dataDir), { recursive: true, force: true });
  }
};
