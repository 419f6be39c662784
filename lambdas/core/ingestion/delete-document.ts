import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentRecord, DocumentStore } from '../ports/document-store.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { VectorStore } from '../ports/vector-store.js';
import { documentBlobPrefix } from './document-blob-key.js';
import { uploadPrefix } from './object-keys.js';

/** Dependencies of {@link DeleteDocument}. */
export interface DeleteDocumentDeps {
  documents: DocumentStore;
  blobs: BlobStore;
  vectors: VectorStore;
  clock: Clock;
  /**
   * Where a deletion called off ({@link DeleteDocument.executeUnless}) sends its version again
   * when the tombstone may have cost it its indexing. Without it, the reconciler does, later.
   */
  queue?: JobQueue;
}

/** What {@link DeleteDocument.executeUnless} did: the tenant had no such document (`missing`). */
export type DeleteOutcome = 'deleted' | 'kept' | 'missing';

/**
 * Use case: remove a document entirely. Deletion is a state, not a single write: first the
 * tombstone (the document becomes `deleting`, which no upload or indexing run can change
 * any more), then every chunk from the vector store, every uploaded version (and presigned upload) from
 * the blob store, and last the record (which frees the title). Every step is idempotent: when one fails,
 * the document stays listed as `deleting`, and deleting it again (or the reconciler) finishes
 * the job. An indexing run in flight cannot mark the tombstoned document `ready`; it then
 * removes the chunks it wrote, so deleted text never stays searchable. Until the chunks are
 * gone they are never cited either: from the tombstone on, answers leave out the document's
 * chunks, whatever the vector store still holds (`LiveDocuments`, read by `AnswerQuestion`).
 *
 * @example
 * const deleted = await deleteDocument.execute('acme', documentId); // false: no such document
 */
export class DeleteDocument {
  constructor(private readonly deps: DeleteDocumentDeps) {}

  /** Returns false when the tenant has no such document. */
  async execute(tenantId: string, documentId: string): Promise<boolean> {
    return (await this.executeUnless(tenantId, documentId, async () => false)) === 'deleted';
  }

  /**
   * Deletes the document unless `keep`, asked once the tombstone is written, answers true:
   * from then on no upload can change the document (one arriving meanwhile is refused with a
   * 409, and its sender tries again), so what `keep` sees of the present holds. Kept, the
   * tombstone is taken back before anything was removed (`DocumentStore.restoreDeleting`), and
   * so it is when `keep` fails (the error propagates). A document some other deletion already
   * holds is deleted whatever `keep` says: that deletion goes on anyway. A kept version that
   * an indexing run may have lost under the tombstone is queued again (see `queue`).
   *
   * @example
   * // A drop-folder file's removal, unless the file was written again meanwhile.
   * await deleteDocument.executeUnless('acme', documentId, () => blobs.exists(key)); // 'kept'
   */
  async executeUnless(
    tenantId: string,
    documentId: string,
    keep: () => Promise<boolean>,
  ): Promise<DeleteOutcome> {
    const { documents } = this.deps;
    const at = this.deps.clock.now().toISOString();
    const replaced = await documents.markDeleting(tenantId, documentId, at);
    if (!replaced) return 'missing';
    if (replaced.status !== 'deleting') {
      let kept: boolean;
      try {
        kept = await keep();
      } catch (error) {
        await documents.restoreDeleting(replaced, at);
        throw error;
      }
      if (kept && (await documents.restoreDeleting(replaced, at))) {
        await this.#reindexIfDisturbed(replaced);
        return 'kept';
      }
    }
    await this.deps.vectors.deleteDocumentChunks(tenantId, documentId);
    await this.deps.blobs.deletePrefix(documentBlobPrefix(tenantId, documentId));
    await this.deps.blobs.deletePrefix(uploadPrefix(tenantId, documentId));
    await documents.delete(tenantId, documentId);
    return 'deleted';
  }

  /**
   * Queues the restored version again when an indexing run may have met the tombstone: such a
   * run (or a job of the version that arrived meanwhile) takes the document for deleted and
   * removes all its chunks, and its job is gone. So a `queued` or `indexing` version is queued
   * again, and a `ready` one whose chunks are no longer all there.
   */
  async #reindexIfDisturbed(restored: DocumentRecord): Promise<void> {
    const { queue, documents, vectors, clock } = this.deps;
    if (!queue) return;
    const { tenantId, documentId, version, status } = restored;
    const disturbed =
      status === 'queued' ||
      status === 'indexing' ||
      (status === 'ready' &&
        (await vectors.count(tenantId, documentId)) !== (restored.chunkCount ?? 0));
    if (!disturbed) return;
    const moved = await documents.transition(tenantId, documentId, version, {
      status: 'queued',
      at: clock.now().toISOString(),
      ifStatus: status,
      ifUpdatedAt: restored.updatedAt,
    });
    if (moved) await queue.enqueue({ tenantId, documentId, version });
  }
}
