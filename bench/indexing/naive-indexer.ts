import { randomUUID } from 'node:crypto';
import type { QdrantClient } from '@qdrant/js-client-rest';
import type OpenAI from 'openai';
import { chunkText, type TextChunk } from '../../lambdas/core/ingestion/chunk-text.js';
import { extractText } from '../../lambdas/core/ingestion/extract-text.js';
import type { CorpusDocument } from './corpus.js';

/** Chunking settings: the runtime defaults (`CHUNK_SIZE_TOKENS`, `CHUNK_OVERLAP_TOKENS`). */
export const CHUNKING = { maxTokens: 400, overlapTokens: 60, format: 'markdown' } as const;

/** Chunks a document as the project's indexer does (same extraction, chunker and settings). */
export const chunksOf = (document: CorpusDocument): TextChunk[] =>
  chunkText(extractText(Buffer.from(document.text), 'text/markdown'), CHUNKING);

/** What the naive indexer needs. */
export interface NaiveIndexerDeps {
  openai: OpenAI;
  qdrant: QdrantClient;
  collection: string;
  model: string;
  dimensions: number;
}

/** What indexing a sample naively took. */
export interface NaiveRun {
  documents: number;
  chunks: number;
  seconds: number;
  /** Time of each chunk (one embedding call plus one upsert), in ms. */
  perChunkMs: number[];
}

/**
 * The naive indexer the project is compared with: the same chunks, but one embedding request
 * per chunk and one upsert (`wait: true`) per chunk, strictly one after the other. It writes
 * no document status (which only flatters it).
 *
 * @example
 * const run = await naiveIndex(sample, { openai, qdrant, collection: 'naive', model, dimensions: 1536 });
 */
export const naiveIndex = async (
  documents: readonly CorpusDocument[],
  deps: NaiveIndexerDeps,
): Promise<NaiveRun> => {
  const perChunkMs: number[] = [];
  const started = performance.now();
  for (const document of documents) {
    for (const chunk of chunksOf(document)) {
      const chunkStarted = performance.now();
      const embedded = await deps.openai.embeddings.create({
        model: deps.model,
        input: chunk.text,
        dimensions: deps.dimensions,
      });
      await deps.qdrant.upsert(deps.collection, {
        wait: true,
        points: [
          {
            id: randomUUID(),
            vector: embedded.data[0]!.embedding,
            payload: { title: document.title, chunkIndex: chunk.index, text: chunk.text },
          },
        ],
      });
      perChunkMs.push(performance.now() - chunkStarted);
    }
  }
  return {
    documents: documents.length,
    chunks: perChunkMs.length,
    seconds: (performance.now() - started) / 1000,
    perChunkMs,
  };
};
