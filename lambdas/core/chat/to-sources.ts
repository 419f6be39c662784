import type { Source } from '../ports/session-store.js';
import type { ScoredChunk } from '../ports/vector-store.js';
import { truncate } from '../text/truncate.js';

const SNIPPET_CHARS = 240;

/** Shortens a passage to a snippet on a word boundary. */
const snippetOf = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= SNIPPET_CHARS) return flat;
  const cut = truncate(flat, SNIPPET_CHARS);
  return `${truncate(cut, Math.max(cut.lastIndexOf(' '), SNIPPET_CHARS / 2))}…`;
};

/**
 * The numbered sources of an answer, in the order the prompt numbers them ([1] first).
 *
 * @example
 * toSources(chunks)[0] // { documentId, title, chunkIndex, score, snippet, page? }
 */
export const toSources = (chunks: ScoredChunk[]): Source[] =>
  chunks.map((chunk) => ({
    documentId: chunk.documentId,
    title: chunk.title,
    chunkIndex: chunk.chunkIndex,
    score: Math.round(chunk.score * 10_000) / 10_000,
    snippet: snippetOf(chunk.text),
    ...(chunk.page === undefined ? {} : { page: chunk.page }),
  }));
