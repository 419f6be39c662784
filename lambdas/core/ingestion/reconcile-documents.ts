import type { Clock } from '../ports/clock.js';
import type { DocumentRecord, DocumentStore } from '../ports/document-store.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { AcceptUpload } from './accept-upload.js';
import type { DeleteDocument } from './delete-document.js';
import { JOB_RETENTION_MS } from './job-retention.js';

/** Dependencies of {@link ReconcileDocuments}. */
export interface ReconcileDocumentsDeps {
  documents: DocumentStore;
  queue: JobQueue;
  deleteDocument: Pick<DeleteDocument, 'execute'>;
  /**
   * Takes in the object of a presigned upload, as its `ObjectCreated` event does: a version
   * still `awaiting-upload` whose object is in the bucket lost its event (a local stack stopped
   * between the `PUT` and the event), and goes on from there instead of failing.
   */
  acceptUpload: Pick<AcceptUpload, 'execute'>;
  clock: Clock;
  /** A pending document whose record has not changed for this long is stale, in ms. */
  staleAfterMs: number;
  /**
   * How long a version a re-index queued (`queuedInBulk`) is waited for before its job is taken
   * for lost, in ms; default {@link DEFAULT_BULK_PATIENCE_MS}. A re-index queues every document
   * at once, so its jobs wait behind one another for as long as the indexer needs, which no
   * staleness threshold bounds; SQS cannot be asked whether one message is still there, but it
   * keeps a message until its retention period ends, so a job still unreceived after that
   * long is gone.
   */
  bulkPatienceMs?: number;
  /** Receives of one message before the queue gives it up (its `maxReceiveCount`). */
  maxReceiveCount: number;
  /** Times one version is re-queued before it is marked `failed` (default 2). */
  maxRequeues?: number;
  /** Stale documents read per round (default 100); rounds go on while they come back full. */
  batchSize?: number;
  /** Rounds per run at most (default 10), so one run stays short. */
  maxRounds?: number;
  /**
   * How long a version may stay `awaiting-upload` (its URL's validity plus a margin for the
   * upload and its event), in ms; default 20 minutes. Past it, the version is marked `failed`.
   */
  uploadWindowMs?: number;
}

/** Default of {@link ReconcileDocumentsDeps.bulkPatienceMs}: the indexing queue's retention, 14 days. */
export const DEFAULT_BULK_PATIENCE_MS = JOB_RETENTION_MS;

/** Default of {@link ReconcileDocumentsDeps.uploadWindowMs}: a 15-minute URL and 5 minutes' margin. */
export const DEFAULT_UPLOAD_WINDOW_MS = 20 * 60_000;

/** The reason a presigned upload that never arrived is given. */
export const UPLOAD_EXPIRED_REASON =
  'The file was not uploaded before its upload URL expired; ask for a new upload URL.';

/** What one run of {@link ReconcileDocuments} did. */
export interface ReconcileReport {
  /**
   * Stale `queued`/`indexing` versions sent to the queue again, and stale `awaiting-upload`
   * versions whose object had arrived without its event, queued.
   */
  requeued: number;
  /** Versions past their attempts, now `failed`. */
  failed: number;
  /** Stale `deleting` documents whose deletion was finished. */
  deleted: number;
  /** Documents that changed while the run looked at them, left alone. */
  skipped: number;
  /** Documents whose handling failed (retried by the next run). */
  errors: number;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * Use case: finish work that was left behind, so that no document stays `queued`, `indexing`
 * or `deleting` forever. Runs on a schedule (and when the local stack starts).
 *
 * It reads the documents whose pending status has not changed for `staleAfterMs`: a crash
 * between publishing a version and sending its job, an indexer killed before it could record
 * a failure, messages expired from the queue during an outage, a local queue lost on restart,
 * a deletion interrupted halfway. A version a re-index queued is waited for longer
 * (`bulkPatienceMs`): its job may be far back in the backlog the re-index made. A stale deletion is finished. A stale version is re-queued,
 * unless it already used its attempts (all of its message's receives, or `maxRequeues`
 * re-queues): then it is marked `failed` with a reason. A version left `awaiting-upload` whose
 * object is in the blob store lost its event: it goes through {@link AcceptUpload} as the
 * event would have (queued, or failed for a wrong size). One whose object is not there past
 * `uploadWindowMs` (its presigned URL expired unused) is marked `failed`. Each change is conditional on the
 * record not having moved since it was read, so a run never overtakes an indexer at work.
 * Once `signal` aborts, the run stops before its next record (the one at hand is settled) and
 * reports what it did: the rest is the next run's work.
 *
 * @example
 * const report = await reconcile.execute();
 * // { requeued: 2, failed: 1, deleted: 0, skipped: 0, errors: 0 }
 */
export class ReconcileDocuments {
  constructor(private readonly deps: ReconcileDocumentsDeps) {}

  async execute(options: { signal?: AbortSignal } = {}): Promise<ReconcileReport> {
    const { signal } = options;
    const report: ReconcileReport = { requeued: 0, failed: 0, deleted: 0, skipped: 0, errors: 0 };
    const batchSize = this.deps.batchSize ?? 100;
    const before = new Date(this.deps.clock.now().getTime() - this.deps.staleAfterMs);
    // Each round reads on from where the last ended: a record left as it was (an upload still
    // in its window, a conflict) would otherwise come back first in every round, and a hundred
    // of them hid everything behind them from every run.
    let after: DocumentRecord | undefined;
    for (let round = 0; round < (this.deps.maxRounds ?? 10); round += 1) {
      if (signal?.aborted) break;
      const stale = await this.deps.documents.listStale(before.toISOString(), batchSize, after);
      for (const record of stale) {
        if (signal?.aborted) return report;
        try {
          report[await this.#settle(record)] += 1;
        } catch {
          report.errors += 1;
        }
      }
      if (stale.length < batchSize) break;
      after = stale.at(-1);
    }
    return report;
  }

  async #settle(record: DocumentRecord): Promise<Exclude<keyof ReconcileReport, 'errors'>> {
    const { documents, queue, clock } = this.deps;
    const { tenantId, documentId, version } = record;
    if (record.status === 'deleting') {
      await this.deps.deleteDocument.execute(tenantId, documentId);
      return 'deleted';
    }
    if (record.status === 'awaiting-upload') return this.#settleUpload(record);
    if (this.#inBulkBacklog(record)) return 'skipped';
    const attempts = record.attempts ?? 0;
    const requeues = record.requeues ?? 0;
    const at = clock.now().toISOString();
    if (attempts >= this.deps.maxReceiveCount || requeues >= (this.deps.maxRequeues ?? 2)) {
      const failed = await documents.transition(tenantId, documentId, version, {
        status: 'failed',
        // A version never started may have its job waiting in a backlog: it still indexes the
        // version when it arrives (`isStartable`).
        error:
          attempts === 0
            ? `Indexing did not start (${plural(requeues, 're-queue')}): its job may still be waiting behind others, and indexes the document when it arrives; or upload the document again.`
            : `Indexing did not finish (${plural(attempts, 'attempt')}, ${plural(requeues, 're-queue')}): ` +
              'the indexer stopped before it could record why. Upload the document again to retry.',
        at,
        ifUpdatedAt: record.updatedAt,
      });
      return failed ? 'failed' : 'skipped';
    }
    const claimed = await documents.transition(tenantId, documentId, version, {
      status: 'queued',
      requeues: requeues + 1,
      at,
      ifUpdatedAt: record.updatedAt,
    });
    if (!claimed) return 'skipped';
    await queue.enqueue({ tenantId, documentId, version });
    return 'requeued';
  }

  /** Whether the version is a re-index's, whose job may still be in the queue's backlog. */
  #inBulkBacklog(record: DocumentRecord): boolean {
    if (record.status !== 'queued' || record.queuedInBulk !== true) return false;
    const waited = this.deps.clock.now().getTime() - Date.parse(record.updatedAt);
    return waited < (this.deps.bulkPatienceMs ?? DEFAULT_BULK_PATIENCE_MS);
  }

  /**
   * Takes in a version's presigned upload whose event was lost, or fails the version when its
   * object never arrived and its window has passed.
   */
  async #settleUpload(record: DocumentRecord): Promise<'requeued' | 'failed' | 'skipped'> {
    const accepted = await this.deps.acceptUpload.execute({
      tenantId: record.tenantId,
      documentId: record.documentId,
      version: record.version,
      key: record.blobKey,
    });
    if (accepted.kind === 'queued') return 'requeued';
    if (accepted.kind === 'failed') return 'failed';
    if (accepted.kind !== 'missing') return 'skipped';
    const now = this.deps.clock.now();
    const window = this.deps.uploadWindowMs ?? DEFAULT_UPLOAD_WINDOW_MS;
    if (now.getTime() - Date.parse(record.updatedAt) < window) return 'skipped';
    const failed = await this.deps.documents.transition(
      record.tenantId,
      record.documentId,
      record.version,
      {
        status: 'failed',
        error: UPLOAD_EXPIRED_REASON,
        at: now.toISOString(),
        ifUpdatedAt: record.updatedAt,
      },
    );
    return failed ? 'failed' : 'skipped';
  }
}
