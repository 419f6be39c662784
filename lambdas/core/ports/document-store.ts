/** Where a document is in its indexing life. */
export type DocumentStatus = 'queued' | 'indexing' | 'ready' | 'failed';

/** A document's record. `version` grows with every upload of the same title. */
export interface DocumentRecord {
  tenantId: string;
  documentId: string;
  title: string;
  version: number;
  status: DocumentStatus;
  contentType: string;
  sizeBytes: number;
  /** Key of the raw upload of this version in the blob store. */
  blobKey: string;
  metadata?: Record<string, string | number | boolean>;
  /** Chunks indexed; set when the version is `ready`. */
  chunkCount?: number;
  /** Why indexing failed; set when the version is `failed`. */
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

/** A version number reserved for an upload, and the document the title belongs to. */
export interface ReservedVersion {
  documentId: string;
  version: number;
}

/** A reserved version whose raw upload is stored, ready to become the document's current one. */
export type DocumentVersion = Pick<
  DocumentRecord,
  | 'tenantId'
  | 'documentId'
  | 'title'
  | 'version'
  | 'contentType'
  | 'sizeBytes'
  | 'blobKey'
  | 'metadata'
>;

/** Result of {@link DocumentStore.publishVersion}. */
export interface PublishedVersion {
  /** False when a newer version was already current: this one was superseded at once. */
  current: boolean;
  /** The document as stored after the call. */
  record: DocumentRecord;
}

/** A status change of {@link DocumentStore.transition}. */
export interface DocumentTransition {
  status: DocumentStatus;
  chunkCount?: number;
  error?: string;
  attempts?: number;
  /** When the change happened (ISO 8601); becomes `updatedAt`. */
  at: string;
}

/**
 * Port for document records. Every method is scoped by tenant.
 *
 * An upload takes two steps around the write of its raw text, so that a fault at any point
 * leaves the record pointing at stored text: {@link reserveVersion} maps the title to its
 * document (the same title always gives the same document, even under concurrent uploads) and
 * hands out the next version number; {@link publishVersion} then makes that version current.
 */
export interface DocumentStore {
  /**
   * Gives the tenant's document with this title (creating its id on the first upload) and
   * reserves a new, never reused, version number for it. The visible record is not changed.
   */
  reserveVersion(tenantId: string, title: string): Promise<ReservedVersion>;
  /**
   * Makes a reserved version the document's current one, `queued`, unless a newer version is
   * already current. Clears the previous version's chunk count, error and attempts.
   */
  publishVersion(version: DocumentVersion, at: string): Promise<PublishedVersion>;
  /** The document, read consistently; undefined when the tenant has no such document. */
  get(tenantId: string, documentId: string): Promise<DocumentRecord | undefined>;
  /** The tenant's documents, newest first. */
  list(tenantId: string, page: PageRequest): Promise<Page<DocumentRecord>>;
  /**
   * Moves the document to a new status if its stored version is still `version`; returns
   * false when the document is gone or a newer version has superseded it (the caller then
   * skips the work).
   */
  transition(
    tenantId: string,
    documentId: string,
    version: number,
    change: DocumentTransition,
  ): Promise<boolean>;
  /** Removes the record and frees its title; returns what was removed, if anything. */
  delete(tenantId: string, documentId: string): Promise<DocumentRecord | undefined>;
}
