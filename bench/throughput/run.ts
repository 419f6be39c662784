import { BENCH_TENANT } from '../indexing/project-indexer.js';
import type { BenchEnvironment } from '../lib/environment.js';
import type { Figure } from '../lib/report.js';
import { median } from '../lib/stats.js';
import { type LoadWindow, loadWindow } from './load.js';
import { startMinimalRagServer } from './minimal-rag-server.js';

/** Options of {@link runThroughput}. */
export interface ThroughputOptions {
  /** Measured seconds per server and concurrency, split into `windows` alternating windows. */
  seconds: number;
  windows: number;
  concurrencies: readonly number[];
  log: (line: string) => void;
}

/** Raw measurements of section 5. */
export interface ThroughputDetails {
  provider: string;
  windows: (LoadWindow & { target: 'ours' | 'baseline' })[];
}

const SECTION = '5 chat throughput';
const QUESTION = 'How do I declare path parameters with types, and how are they validated?';
const WARM_UP_MS = 1_000;

/**
 * Section 5, chat throughput on the local stack: zero-latency stand-ins (the OpenAI stand-in
 * with no delays, through the real `openai` SDK, and the Qdrant stand-in holding the indexed
 * corpus), closed-loop clients posting `POST /v1/chat` (each client continuing its own
 * session), against the minimal RAG server making the same upstream calls. Each concurrency
 * runs `seconds` per server in alternating windows (medians over windows).
 */
export const runThroughput = async (
  environment: BenchEnvironment,
  options: ThroughputOptions,
): Promise<{ figures: Figure[]; details: ThroughputDetails }> => {
  const { openai, stack } = environment;
  openai.configure({ embeddingDelayMs: 0, firstTokenDelayMs: 0, tokenIntervalMs: 0 });
  const baseline = await startMinimalRagServer({
    openAiUrl: openai.url,
    qdrantUrl: environment.qdrant.url,
    collection: 'chunks',
    tenantId: BENCH_TENANT,
  });
  const sessions = new Map<number, string>();
  let firstFailure: string | undefined;
  const ours = async (client: number): Promise<boolean> => {
    // A client's first request starts a session; the next ones continue it.
    const sessionId = sessions.get(client);
    const response = await fetch(`${stack.apiUrl}/v1/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...(sessionId ? { sessionId } : {}), message: QUESTION }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { sessionId?: string; message?: { content?: string } };
    if (body.sessionId) sessions.set(client, body.sessionId);
    const ok = response.status === 200 && typeof body.message?.content === 'string';
    if (!ok && firstFailure === undefined)
      firstFailure = `${response.status} ${text.slice(0, 300)}`;
    return ok;
  };
  const theirs = async (): Promise<boolean> => {
    const response = await fetch(baseline.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: QUESTION }),
    });
    const text = await response.text();
    const ok = response.status === 200 && text.includes('"answer":"');
    if (!ok && firstFailure === undefined)
      firstFailure = `baseline ${response.status} ${text.slice(0, 300)}`;
    return ok;
  };

  const windows: ThroughputDetails['windows'] = [];
  const figures: Figure[] = [];
  try {
    for (const concurrency of options.concurrencies) {
      await loadWindow(concurrency, WARM_UP_MS, ours);
      await loadWindow(concurrency, WARM_UP_MS, theirs);
      const windowMs = (options.seconds * 1000) / options.windows;
      for (let index = 0; index < options.windows; index += 1) {
        const order =
          index % 2 === 0 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const);
        for (const target of order) {
          const window = await loadWindow(concurrency, windowMs, target === 'ours' ? ours : theirs);
          windows.push({ ...window, target });
        }
      }
      const of = (target: 'ours' | 'baseline', field: 'requestsPerSecond' | 'p50Ms' | 'p99Ms') =>
        median(
          windows
            .filter((window) => window.target === target && window.concurrency === concurrency)
            .map((window) => window[field]),
        );
      const errors = windows
        .filter((window) => window.concurrency === concurrency)
        .reduce((sum, window) => sum + window.errors, 0);
      if (errors > 0)
        throw new Error(
          `chat throughput: ${errors} failed requests at ${concurrency}; first: ${firstFailure}`,
        );
      options.log(
        `chat throughput: ${concurrency} client(s): ${of('ours', 'requestsPerSecond').toFixed(1)} req/s`,
      );
      const label = `${concurrency} client${concurrency === 1 ? '' : 's'}`;
      figures.push(
        {
          section: SECTION,
          metric: `POST /v1/chat, ${label}: requests/s`,
          unit: '/s',
          ours: of('ours', 'requestsPerSecond'),
          baseline: of('baseline', 'requestsPerSecond'),
        },
        {
          section: SECTION,
          metric: `POST /v1/chat, ${label}: latency p50`,
          unit: 'ms',
          ours: of('ours', 'p50Ms'),
          baseline: of('baseline', 'p50Ms'),
        },
        {
          section: SECTION,
          metric: `POST /v1/chat, ${label}: latency p99`,
          unit: 'ms',
          ours: of('ours', 'p99Ms'),
          baseline: of('baseline', 'p99Ms'),
        },
      );
    }
  } finally {
    await baseline.close();
  }
  return {
    figures,
    details: { provider: 'OpenAI stand-in (no delays) + Qdrant stand-in', windows },
  };
};
