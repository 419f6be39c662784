import { join } from 'node:path';
import { QdrantClient } from '@qdrant/js-client-rest';
import OpenAI from 'openai';
import type { BenchEnvironment } from '../lib/environment.js';
import type { Figure } from '../lib/report.js';
import { median } from '../lib/stats.js';
import { type Corpus, loadCorpus } from './corpus.js';
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
 * the whole corpus goes through the project's indexer (`runs` times, each a new version of
 * every document), and a fixed, evenly spaced sample through the naive indexer (one embedding
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
    },
  };
};
