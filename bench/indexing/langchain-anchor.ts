import { OpenAIEmbeddings } from '@langchain/openai';
import { MarkdownTextSplitter } from '@langchain/textsplitters';
import type { StandInStats } from '../lib/stand-in-process.js';
import type { CorpusDocument } from './corpus.js';

/** What the LangChain.js script did with the corpus. */
export interface LangChainRun {
  seconds: number;
  chunks: number;
  embeddingCalls: number;
}

/**
 * The anchor: what a user would write instead of this project to index a folder with
 * LangChain.js — `MarkdownTextSplitter` (its defaults: 1 000 characters, 200 of overlap) and
 * `OpenAIEmbeddings.embedDocuments` (its default batching: 512 inputs a request) against the
 * same OpenAI-compatible server, timed from the first split to the last vector. It stores
 * nothing and tracks no status: the floor a full pipeline is compared with.
 *
 * @example
 * const run = await runLangChainAnchor(corpus.documents, standIn.url, standIn.stats);
 */
export const runLangChainAnchor = async (
  documents: readonly CorpusDocument[],
  baseURL: string,
  stats: () => Promise<StandInStats>,
): Promise<LangChainRun> => {
  const before = await stats();
  const started = performance.now();
  const splitter = new MarkdownTextSplitter();
  const chunks = await splitter.splitDocuments(
    documents.map((document) => ({
      pageContent: document.text,
      metadata: { title: document.title },
    })),
  );
  const embeddings = new OpenAIEmbeddings({
    apiKey: 'sk-bench',
    model: 'text-embedding-3-small',
    configuration: { baseURL },
    maxRetries: 0,
  });
  const vectors = await embeddings.embedDocuments(chunks.map((chunk) => chunk.pageContent));
  const seconds = (performance.now() - started) / 1000;
  if (vectors.length !== chunks.length) {
    throw new Error(`LangChain embedded ${vectors.length} of ${chunks.length} chunks`);
  }
  const after = await stats();
  return { seconds, chunks: chunks.length, embeddingCalls: after.calls - before.calls };
};
