import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { DocumentStatus, DocumentStore } from '../ports/document-store.js';
import type { IndexJob, JobQueue } from '../ports/job-queue.js';

/** Dependencies of {@link ReindexDocuments}. */
export interface ReindexDocumentsDeps {
  documents: DocumentStore;
  /** Where the tenants are found: every tenant that has (or had) an API key. */
  apiKeys: ApiKeyStore;
  queue: JobQueue;
  /** Documents per listing page (default 100). */
  pageSize?: number;
}

/** Statuses whose version is not queued again: waiting for its upload, or being deleted. */
const SKIPPED: ReadonlySet<DocumentStatus> = new Set(['awaiting-upload', 'deleting']);

/** What {@link ReindexDocuments.execute} queued. */
export interface ReindexOutcome {
  tenants: number;
  jobs: IndexJob[];
}

/**
 * Use case: re-queues the current version of every document of every tenant (or of one), but
 * those still waiting for their upload or being deleted, so the
 * indexer writes them again — into a new collection layout after an upgrade, with today's
 * chunking and sparse vectors. Indexing is idempotent (deterministic point ids), so running it
 * twice, or while uploads go on, is harmless: a job for a superseded version is skipped.
 *
 * @example
 * const { jobs } = await new ReindexDocuments({ documents, apiKeys, queue }).execute();
 */
export class ReindexDocuments {
  constructor(private readonly deps: ReindexDocumentsDeps) {}

  async execute(options: { tenantId?: string } = {}): Promise<ReindexOutcome> {
    const tenants =
      options.tenantId !== undefined
        ? [options.tenantId]
        : [...new Set((await this.deps.apiKeys.list()).map((key) => key.tenantId))].sort();
    const jobs: IndexJob[] = [];
    for (const tenantId of tenants) {
      let cursor: string | undefined;
      do {
        const page = await this.deps.documents.list(tenantId, {
          limit: this.deps.pageSize ?? 100,
          ...(cursor ? { cursor } : {}),
        });
        for (const record of page.items) {
          // An upload still to arrive has no text yet, and a deletion must not be undone.
          if (SKIPPED.has(record.status)) continue;
          const job = { tenantId, documentId: record.documentId, version: record.version };
          await this.deps.queue.enqueue(job);
          jobs.push(job);
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
    return { tenants: tenants.length, jobs };
  }
}
