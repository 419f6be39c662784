import type { LiveDocuments } from '../../../lambdas/core/ports/live-documents.js';

/**
 * {@link LiveDocuments} for which only the documents of `live` are live, recording the ids each
 * call asked about (`asked`), so a test can say which records an answer read.
 *
 * @example
 * const { documents, asked } = someDocumentsLive(['a', 'c']);
 */
export const someDocumentsLive = (live: readonly string[]) => {
  const asked: string[][] = [];
  const documents: LiveDocuments = {
    liveAmong: async (_tenantId, documentIds) => {
      asked.push([...documentIds]);
      return new Set(documentIds.filter((documentId) => live.includes(documentId)));
    },
  };
  return { documents, asked };
};
