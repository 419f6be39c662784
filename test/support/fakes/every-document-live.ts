import type { LiveDocuments } from '../../../lambdas/core/ports/live-documents.js';

/**
 * {@link LiveDocuments} that takes every document for live: for answers over a vector store
 * seeded without document records, where deletion is not what the test is about.
 */
export const everyDocumentLive: LiveDocuments = {
  liveAmong: async (_tenantId, documentIds) => new Set(documentIds),
};
