import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentRecord, DocumentStatus, DocumentStore } from '../ports/document-store.js';
import type { IndexJob, JobQueue } from '../ports/job-queue.js';

/** Dependencies of {@link ReindexDocuments}. */
export interface ReindexDocumentsDeps {
  documents: DocumentStore;
  /** Where the tenants are found: every tenant that has (or had) an API key. */
  apiKeys: ApiKeyStore;
  /** Where a failed version's raw upload is looked for (one that never arrived has none). */
  blobs: Pick<BlobStore, 'exists'>;
  queue: JobQueue;
  clock: Clock;
  /** Documents per listing page (default 100). */
  pageSize?: number;
}

/** Statuses whose version is not queued again: waiting for its upload, or being deleted. */
const SKIPPED: ReadonlySet<DocumentStatus> = new Set(['awaiting-upload', 'deleting']);

/** Statuses a re-queued version leaves for `queued`: the ones that show no work to come. */
const SETTLED: ReadonlySet<DocumentStatus> = new Set(['ready', 'failed']);

/** What {@link ReindexDocuments.execute} queued. */
export interface ReindexOutcome {
  tenants: number;
  jobs: IndexJob[];
}

/**
 * Use case: re-queues the current version of every document of every tenant (or of one), so
 * the indexer writes them again — into a new collection layout after an upgrade, with today's
 * chunking and sparse vectors. Left alone: a version still waiting for its upload, one being
 * deleted, and a failed one whose raw upload is not stored (it never arrived, or was too large):
 * there is nothing to index, and its failure says what to do.
 *
 * A `ready` or `failed` version is moved to `queued` before its job is sent, so the documents'
 * statuses show the work still to come (a migration's previous collection may go once every
 * document is `ready` again), and the reconciler sends again a job that was lost. The version is
marked `queuedInBulk`: its job joins a backlog of all of them, which the reconciler waits for
past its usual staleness threshold (`ReconcileDocumentsDeps.bulkPatienceMs`); a run
that stops between the two is run again, which sends the job of every version left `queued`. A version that
 * changed since it was listed is left to the change. Indexing is idempotent (deterministic point
 * ids), so running it twice, or while uploads go on, is harmless.
 *
 * @example
 * const { jobs } = await new ReindexDocuments({ documents, apiKeys, blobs, queue, clock }).execute();
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
          if (!(await this.#requeue(record))) continue;
          const job = { tenantId, documentId: record.documentId, version: record.version };
          await this.deps.queue.enqueue(job);
          jobs.push(job);
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
    return { tenants: tenants.length, jobs };
  }

  /** Whether the version is to be indexed again; a settled one is moved to `queued` first. */
  async #requeue(record: DocumentRecord): Promise<boolean> {
    if (SKIPPED.has(record.status)) return false;
    if (!SETTLED.has(record.status)) return true;
    if (record.status === 'failed' && !(await this.deps.blobs.exists(record.blobKey))) {
      return false;
    }
    return this.deps.documents.transition(record.tenantId, record.documentId, record.version, {
      status: 'queued',
      attempts: 0,
      requeues: 0,
      queuedInBulk: true,
      at: this.deps.clock.now().toISOString(),
      ifUpdatedAt: record.updatedAt,
    });
  }
}
