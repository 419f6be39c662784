import type { LiveDocuments } from '../ports/live-documents.js';
import type { ScoredChunk } from '../ports/vector-store.js';

const documentIdsOf = (chunks: readonly ScoredChunk[]): string[] => [
  ...new Set(chunks.map((chunk) => chunk.documentId)),
];

/**
 * What ranking the live candidates among `found` gives, knowing `ranking`, what ranking all of
 * them gives (as if every one were live), and `deciding`, the candidates whose documents decide
 * it (`Retrieval.deciding`). Their documents are read first, in one call ({@link LiveDocuments});
 * when they are all live, `ranking` is the answer and no other document is read (none at all
 * when nothing decides it). Otherwise the other candidates' documents are read too, and the
 * live candidates, in their order, are ranked again with `rank`.
 *
 * @example
 * const turn = await liveRanking(documents, tenantId, found, optimistic.deciding, optimistic, rank);
 */
export const liveRanking = async <Ranking>(
  documents: LiveDocuments,
  tenantId: string,
  found: readonly ScoredChunk[],
  deciding: readonly ScoredChunk[],
  ranking: Ranking,
  rank: (citable: ScoredChunk[]) => Ranking,
): Promise<Ranking> => {
  const decidingIds = documentIdsOf(deciding);
  if (decidingIds.length === 0) return ranking;
  const live = await documents.liveAmong(tenantId, decidingIds);
  if (decidingIds.every((documentId) => live.has(documentId))) return ranking;
  const read = new Set(decidingIds);
  const rest = documentIdsOf(found).filter((documentId) => !read.has(documentId));
  const liveRest = rest.length > 0 ? await documents.liveAmong(tenantId, rest) : new Set<string>();
  return rank(
    found.filter((chunk) => live.has(chunk.documentId) || liveRest.has(chunk.documentId)),
  );
};
