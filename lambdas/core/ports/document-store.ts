/** Where a document is in its indexing life. */
export type DocumentStatus = 'queued' | 'indexing' | 'ready' | 'failed';

/** A document's record. `version` grows by one with every upload of the same title. */
export interface DocumentRecord {
  tenantId: string;
  documentId: string;
  title: string;
  version: number;
  status: DocumentStatus;
  contentType: string;
  sizeBytes: number;
  /** Key of the raw text in the blob store. */
  blobKey: string;
  metadata?: Record<string, string | number | boolean>;
  chunkCount?: number;
  error?: string;
  /** Receives of the current version's message so far (from SQS), for the failure reason. */
  attempts?: number;
  createdAt: string;
  updatedAt: string;
}

/** One page of a listing, newest first. */
export interface Page<T> {
  items: T[];
  /** Opaque cursor of the next page, absent on the last one. */
  nextCursor?: string;
}

/** Options of a paginated listing. */
export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** Port for document records. Every method is scoped by tenant. */
export interface DocumentStore {
  /**
   * Creates the document, or when the tenant already has one with this title, bumps its
   * version and resets it to `queued`. Returns the stored record.
   */
  upsertByTitle(
    input: Omit<DocumentRecord, 'documentId' | 'version' | 'status' | 'createdAt' | 'updatedAt' | 'blobKey'> & {
      blobKeyFor: (documentId: string, version: number) => string;
    },
  ): Promise<DocumentRecord>;
  get(tenantId: string, documentId: string): Promise<DocumentRecord | undefined>;
  list(tenantId: string, page: PageRequest): Promise<Page<DocumentRecord>>;
  /**
   * Moves the document to a new status if its stored version is still `version`; returns
   * false when a newer version has superseded it (the caller then skips the work).
   */
  transition(
    tenantId: string,
    documentId: string,
    version: number,
    change: { status: DocumentStatus; chunkCount?: number; error?: string; attempts?: number },
  ): Promise<boolean>;
  delete(tenantId: string, documentId: string): Promise<DocumentRecord | undefined>;
}
