/** The claim-check message that asks the indexer to index one version of a document. */
export interface IndexJob {
  tenantId: string;
  documentId: string;
  version: number;
}

/** Port for the indexing queue (SQS in AWS, an in-process queue locally). */
export interface JobQueue {
  enqueue(job: IndexJob): Promise<void>;
}
