import { isBlank } from '../text/whitespace.js';
import type { Steps } from '../text/work-steps.js';
import {
  type ChunkTextOptions,
  chunkSteps,
  MAX_CHUNKS_PER_DOCUMENT,
  type TextChunk,
  TooManyChunksError,
} from './chunk-text.js';
import type { ExtractedPage } from './extract-document.js';

/**
 * The chunks of a paged document (PDF): each page is chunked on its own, as plain text (a PDF's
 * text layer has no headings to follow), so a chunk never spans two pages and carries the one
 * it is on; chunk indexes run on across pages without gaps, and blank pages make none. Like
 * `chunkSteps`, the same pages always give the same chunks.
 *
 * @throws TooManyChunksError when the document makes more than {@link MAX_CHUNKS_PER_DOCUMENT} chunks.
 *
 * @example
 * runSteps(pagedChunkSteps([{ page: 1, text: 'Intro' }, { page: 2, text: 'Usage' }], options))
 * // [{ index: 0, text: 'Intro', page: 1, … }, { index: 1, text: 'Usage', page: 2, … }]
 */
export function* pagedChunkSteps(
  pages: readonly ExtractedPage[],
  options: Omit<ChunkTextOptions, 'format'>,
): Steps<TextChunk[]> {
  const chunks: TextChunk[] = [];
  for (const { page, text } of pages) {
    if (isBlank(text)) continue;
    const own = yield* chunkSteps(text, { ...options, format: 'plain' });
    if (chunks.length + own.length > MAX_CHUNKS_PER_DOCUMENT) throw new TooManyChunksError();
    for (const chunk of own) chunks.push({ ...chunk, index: chunks.length, page });
    yield;
  }
  return chunks;
}
