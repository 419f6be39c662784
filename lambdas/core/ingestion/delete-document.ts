import type { BlobStore } from '../ports/blob-store.js';
import type { DocumentStore } from '../ports/document-store.js';
import type { VectorStore } from '../ports/vector-store.js';
import { documentBlobPrefix } from './document-blob-key.js';

/** Dependencies of {@link DeleteDocument}. */
export interface DeleteDocumentDeps {
  documents: DocumentStore;
  blobs: BlobStore;
  vectors: VectorStore;
}

/**
 * Use case: remove a document entirely: every chunk from the vector store, every uploaded
 * version from the blob store, then the record (which frees the title). The record goes last,
 * so that when a step fails the document is still listed and deleting it again finishes the
 * job; every step is idempotent. An indexing run still in flight notices the record is gone
 * when it finishes and removes the chunks it wrote.
 *
 * @example
 * const deleted = await deleteDocument.execute('acme', documentId); // false: no such document
 */
export class DeleteDocument {
  constructor(private readonly deps: DeleteDocumentDeps) {}

  /** Returns false when the tenant has no such document. */
  async execute(tenantId: string, documentId: string): Promise<boolean> {
    const record = await this.deps.documents.get(tenantId, documentId);
    if (!record) return false;
    await this.deps.vectors.deleteDocumentChunks(tenantId, documentId);
    await this.deps.blobs.deletePrefix(documentBlobPrefix(tenantId, documentId));
    await this.deps.documents.delete(tenantId, documentId);
    return true;
  }
}
