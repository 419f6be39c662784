import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentStore } from '../ports/document-store.js';
import type { VectorStore } from '../ports/vector-store.js';
import { documentBlobPrefix } from './document-blob-key.js';
import { uploadPrefix } from './object-keys.js';

/** Dependencies of {@link DeleteDocument}. */
export interface DeleteDocumentDeps {
  documents: DocumentStore;
  blobs: BlobStore;
  vectors: VectorStore;
  clock: Clock;
}

/**
 * Use case: remove a document entirely. Deletion is a state, not a single write: first the
 * tombstone (the document becomes `deleting`, which no upload or indexing run can change
 * any more), then every chunk from the vector store, every uploaded version (and presigned upload) from
 * the blob store, and last the record (which frees the title). Every step is idempotent: when one fails,
 * the document stays listed as `deleting`, and deleting it again (or the reconciler) finishes
 * the job. An indexing run in flight cannot mark the tombstoned document `ready`; it then
 * removes the chunks it wrote, so deleted text never stays searchable.
 *
 * @example
 * const deleted = await deleteDocument.execute('acme', documentId); // false: no such document
 */
export class DeleteDocument {
  constructor(private readonly deps: DeleteDocumentDeps) {}

  /** Returns false when the tenant has no such document. */
  async execute(tenantId: string, documentId: string): Promise<boolean> {
    const at = this.deps.clock.now().toISOString();
    const record = await this.deps.documents.markDeleting(tenantId, documentId, at);
    if (!record) return false;
    await this.deps.vectors.deleteDocumentChunks(tenantId, documentId);
    await this.deps.blobs.deletePrefix(documentBlobPrefix(tenantId, documentId));
    await this.deps.blobs.deletePrefix(uploadPrefix(tenantId, documentId));
    await this.deps.documents.delete(tenantId, documentId);
    return true;
  }
}
