import type { LiveDocuments } from '../ports/live-documents.js';
import type { ScoredChunk } from '../ports/vector-store.js';

/**
 * Keeps the chunks of live documents only ({@link LiveDocuments}), in their order: one read of
 * the distinct documents they come from, none when there are no chunks.
 *
 * @example
 * const citable = await liveChunks(documents, 'acme', candidates);
 */
export const liveChunks = async (
  documents: LiveDocuments,
  tenantId: string,
  chunks: readonly ScoredChunk[],
): Promise<ScoredChunk[]> => {
  if (chunks.length === 0) return [];
  const live = await documents.liveAmong(tenantId, [
    ...new Set(chunks.map((chunk) => chunk.documentId)),
  ]);
  return chunks.filter((chunk) => live.has(chunk.documentId));
};
