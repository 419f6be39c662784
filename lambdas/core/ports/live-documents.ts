/**
 * Port: which documents an answer may cite. A document is live while its record exists and is
 * not `deleting`. The vector store is no authority on that: it may still hold the chunks of a
 * document being deleted (its removal failed and waits for a retry) or gone (an indexing run's
 * cleanup that failed), so answers ask this port, not the store.
 */
export interface LiveDocuments {
  /**
   * The ids among `documentIds` of the tenant's live documents, read consistently (a deletion
   * already accepted is seen). Ids of another tenant's documents are never live.
   */
  liveAmong(tenantId: string, documentIds: readonly string[]): Promise<ReadonlySet<string>>;
}
