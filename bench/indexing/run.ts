import { join } from 'node:path';
import { QdrantClient } from '@qdrant/js-client-rest';
import OpenAI from 'openai';
import type { BenchEnvironment } from '../lib/environment.js';
import type { Figure } from '../lib/report.js';
import { startStandInProcess } from '../lib/stand-in-process.js';
import { median } from '../lib/stats.js';
import { type ApiIngestRun, runApiIngest } from './api-ingest.js';
import { type Corpus, loadCorpus } from './corpus.js';
import { type LangChainRun, runLangChainAnchor } from './langchain-anchor.js';
import { chunksOf, type NaiveRun, naiveIndex } from './naive-indexer.js';
import {
  DEPLOYED_BATCH_SIZE,
  DEPLOYED_MAX_CONCURRENCY,
  type IndexingRun,
  startProjectIndexer,
} from './project-indexer.js';

/** Options of {@link runIndexing}. */
export interface IndexingOptions {
  workDir: string;
  /** Timed passes of the whole corpus through the project's indexer. */
  runs: number;
  /** Documents the naive indexer indexes (evenly spaced through the corpus). */
  naiveSample: number;
  log: (line: string) => void;
}

/** Raw measurements of section 4. */
export interface IndexingDetails {
  corpus: { source: string; documents: number; bytes: number; chunks: number };
  embeddingDelayMs: number;
  queue: { batchSize: number; maxConcurrency: number };
  runs: IndexingRun[];
  naive: Omit<NaiveRun, 'perChunkMs'> & {
    titles: string[];
    medianChunkMs: number;
    extrapolatedCorpusSeconds: number;
  };
  vectorsInStore: number;
  /** The whole corpus through the local stack's API, and the LangChain.js anchor, same server. */
  api: ApiIngestRun[];
  langchain: LangChainRun[];
}

const SECTION = '4 indexing';
const EMBEDDING_DELAY_MS = 100;
const TARGET_RATIO = 20;
const NAIVE_COLLECTION = 'bench-naive';

const evenlySpaced = <T>(items: readonly T[], count: number): T[] => {
  const step = items.length / Math.min(count, items.length);
  return Array.from(
    { length: Math.min(count, items.length) },
    (_, i) => items[Math.floor(i * step)]!,
  );
};

/**
 * Section 4, indexing throughput: the embedding stand-in answers each request after 100 ms;
 * the whole corpus goes through the project's indexer (`runs` times, each for a tenant of
 * its own), and a fixed, evenly spaced sample through the naive indexer (one embedding
 * call and one upsert per chunk, sequential), whose median time per chunk is extrapolated to
 * the corpus's chunk count: the naive indexer on the whole corpus would take chunks × 100 ms.
 */
export const runIndexing = async (
  environment: BenchEnvironment,
  options: IndexingOptions,
): Promise<{ figures: Figure[]; details: IndexingDetails; corpus: Corpus }> => {
  const { openai, qdrant } = environment;
  openai.configure({
    embeddingDelayMs: EMBEDDING_DELAY_MS,
    firstTokenDelayMs: 0,
    tokenIntervalMs: 0,
  });
  const corpus = await loadCorpus();
  const corpusChunks = corpus.documents.reduce(
    (sum, document) => sum + chunksOf(document).length,
    0,
  );
  options.log(
    `indexing: ${corpus.documents.length} documents, ${corpusChunks} chunks (${corpus.source})`,
  );
  const indexer = await startProjectIndexer(environment.env, join(options.workDir, 'indexing'));
  const embeddingCalls = () => openai.callCount('embeddings');
  const runs: IndexingRun[] = [];
  let naive: NaiveRun | undefined;
  const sample = evenlySpaced(corpus.documents, options.naiveSample);
  try {
    for (let run = 0; run < options.runs; run += 1) {
      runs.push(await indexer.run(corpus.documents, embeddingCalls));
      const last = runs.at(-1)!;
      options.log(
        `indexing: project indexer ${last.documents} documents in ${last.seconds.toFixed(2)} s`,
      );
      if (last.failed > 0 || last.chunks !== corpusChunks) {
        throw new Error(
          `indexing run ${run}: ${last.failed} documents not ready, ${last.chunks}/${corpusChunks} chunks`,
        );
      }
      if (run === 0) {
        const client = new QdrantClient({ url: qdrant.url, checkCompatibility: false });
        await client.createCollection(NAIVE_COLLECTION, {
          vectors: { size: 1536, distance: 'Cosine' },
        });
        naive = await naiveIndex(sample, {
          openai: new OpenAI({ apiKey: 'sk-bench', baseURL: openai.url, maxRetries: 0 }),
          qdrant: client,
          collection: NAIVE_COLLECTION,
          model: 'text-embedding-3-small',
          dimensions: 1536,
        });
        options.log(
          `indexing: naive indexer ${naive.documents} documents, ${naive.chunks} chunks in ${naive.seconds.toFixed(1)} s`,
        );
      }
    }
  } finally {
    await indexer.close();
  }
  if (naive === undefined) throw new Error('the naive indexer did not run');

  // Through the API, against an embedding server in another process, beside LangChain.js.
  const standIn = await startStandInProcess(EMBEDDING_DELAY_MS);
  const api: ApiIngestRun[] = [];
  const langchain: LangChainRun[] = [];
  try {
    for (let run = 0; run < options.runs; run += 1) {
      langchain.push(await runLangChainAnchor(corpus.documents, standIn.url, standIn.stats));
      api.push(
        await runApiIngest(
          corpus.documents,
          standIn.url,
          standIn.stats,
          join(options.workDir, 'api-ingest'),
        ),
      );
      options.log(
        `indexing: through the API ${api.at(-1)!.seconds.toFixed(2)} s (uploads ${api.at(-1)!.uploadSeconds.toFixed(2)} s), ${api.at(-1)!.embeddingCalls} calls; ` +
          `LangChain.js ${langchain.at(-1)!.seconds.toFixed(2)} s, ${langchain.at(-1)!.embeddingCalls} calls`,
      );
    }
  } finally {
    await standIn.close();
  }
  const apiSeconds = median(api.map((run) => run.seconds));
  const anchorSeconds = median(langchain.map((run) => run.seconds));
  const apiCalls = median(api.map((run) => run.embeddingCalls));
  const anchorCalls = median(langchain.map((run) => run.embeddingCalls));
  const idleP99 = median(api.map((run) => run.health.idleP99));
  const duringP99 = median(api.map((run) => run.health.duringP99));

  const medianChunkMs = median(naive.perChunkMs);
  const naiveChunksPerSecond = 1000 / medianChunkMs;
  const extrapolatedCorpusSeconds = (corpusChunks * medianChunkMs) / 1000;
  const oursSeconds = median(runs.map((run) => run.seconds));
  const oursChunksPerSecond = median(runs.map((run) => run.chunks / run.seconds));
  const figures: Figure[] = [
    {
      section: SECTION,
      metric: `chunks/s (whole corpus; naive: sample of ${naive.documents} docs)`,
      unit: '/s',
      ours: oursChunksPerSecond,
      baseline: naiveChunksPerSecond,
      target: `≥ ${TARGET_RATIO}× naive`,
      met: oursChunksPerSecond >= TARGET_RATIO * naiveChunksPerSecond,
    },
    {
      section: SECTION,
      metric: 'documents/s (naive: extrapolated)',
      unit: '/s',
      ours: median(runs.map((run) => run.documents / run.seconds)),
      baseline: corpus.documents.length / extrapolatedCorpusSeconds,
    },
    {
      section: SECTION,
      metric: `whole corpus, ${corpus.documents.length} docs / ${corpusChunks} chunks (naive: extrapolated)`,
      unit: 's',
      ours: oursSeconds,
      baseline: extrapolatedCorpusSeconds,
    },
    {
      section: SECTION,
      metric: 'embedding calls for the whole corpus (naive: one per chunk)',
      unit: '',
      ours: median(runs.map((run) => run.embeddingCalls)),
      baseline: corpusChunks,
    },
    {
      section: SECTION,
      metric: 'whole corpus through the local API to all ready (anchor: LangChain.js)',
      unit: 's',
      ours: apiSeconds,
      baseline: anchorSeconds,
      target: '≤ 1.0× anchor',
      met: apiSeconds <= anchorSeconds,
    },
    {
      section: SECTION,
      metric: '… embedding calls (anchor: LangChain.js split + embedDocuments)',
      unit: '',
      ours: apiCalls,
      baseline: anchorCalls,
      target: '≤ 2× anchor',
      met: apiCalls <= 2 * anchorCalls,
    },
    {
      section: SECTION,
      metric: '… embedding requests in a minute while indexing (limit 3000)',
      unit: '/min',
      ours: median(api.map((run) => run.requestsPerMinute)),
    },
    {
      section: SECTION,
      metric: '… embedding tokens in a minute while indexing (limit 1 000 000)',
      unit: '/min',
      ours: median(api.map((run) => run.tokensPerMinute)),
    },
    {
      section: SECTION,
      metric: 'GET /health p99 during that ingest (baseline: idle p99)',
      unit: 'ms',
      ours: duringP99,
      baseline: idleP99,
      target: '≤ 2× idle + 10 ms',
      met: duringP99 <= 2 * idleP99 + 10,
    },
  ];
  const { perChunkMs: _perChunk, ...naiveSummary } = naive;
  return {
    figures,
    corpus,
    details: {
      corpus: {
        source: corpus.source,
        documents: corpus.documents.length,
        bytes: corpus.bytes,
        chunks: corpusChunks,
      },
      embeddingDelayMs: EMBEDDING_DELAY_MS,
      queue: { batchSize: DEPLOYED_BATCH_SIZE, maxConcurrency: DEPLOYED_MAX_CONCURRENCY },
      runs,
      naive: {
        ...naiveSummary,
        titles: sample.map((document) => document.title),
        medianChunkMs,
        extrapolatedCorpusSeconds,
      },
      vectorsInStore: qdrant.points('chunks').length,
      api,
      langchain,
    },
  };
};
