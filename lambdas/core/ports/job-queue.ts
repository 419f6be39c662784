/**
 * One part of a large version's indexing: chunks `[fromChunk, toChunk)`, part `index` of
 * `count`, of the `chunks` the version made when it was split (absent from the messages of
 * indexers before it was sent). The indexer splits a version into parts (see `IndexDocument`);
 * each is a message.
 */
export interface IndexPart {
  index: number;
  count: number;
  fromChunk: number;
  toChunk: number;
  chunks?: number;
}

/**
 * The claim-check message that asks the indexer to index one version of a document, or one
 * `part` of it.
 */
export interface IndexJob {
  tenantId: string;
  documentId: string;
  version: number;
  part?: IndexPart;
}

/**
 * The message body of a job: its fields and nothing else (a caller's object may carry more).
 *
 * @example
 * JSON.stringify(indexJobBody({ tenantId: 'acme', documentId, version: 2 }))
 */
export const indexJobBody = ({ tenantId, documentId, version, part }: IndexJob): IndexJob => ({
  tenantId,
  documentId,
  version,
  ...(part
    ? {
        part: {
          index: part.index,
          count: part.count,
          fromChunk: part.fromChunk,
          toChunk: part.toChunk,
          ...(part.chunks === undefined ? {} : { chunks: part.chunks }),
        },
      }
    : {}),
});

/** Port for the indexing queue (SQS in AWS, an in-process queue locally). */
export interface JobQueue {
  enqueue(job: IndexJob): Promise<void>;
}
