/**
 * Where a document is in its life. `awaiting-upload`: a presigned upload URL was handed out and
 * the object has not arrived yet. `deleting` is the tombstone a deletion writes first: from
 * then on no upload or indexing run may change the document, and whatever they stored is removed.
 */
export type DocumentStatus =
  | 'awaiting-upload'
  | 'queued'
  | 'indexing'
  | 'ready'
  | 'failed'
  | 'deleting';

/** Statuses of work in flight, which the reconciler watches for documents left behind. */
export const PENDING_STATUSES: readonly DocumentStatus[] = [
  'awaiting-upload',
  'queued',
  'indexing',
  'deleting',
];

/** The statuses a version can be published in (see {@link DocumentStore.publishVersion}). */
export type PublishStatus = Extract<DocumentStatus, 'queued' | 'awaiting-upload'>;

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
  /** SHA-256 (hex) of the raw upload's bytes: an identical upload makes no new version. */
  contentHash?: string;
  /**
   * SHA-256 (hex) of the extracted text (`extractDocument`; a text file's is that of its text
   * in UTF-8): an upload of other bytes holding the same text (a PDF saved again, a text file
   * with or without a byte order mark, saved as UTF-8 or as UTF-16) makes no new version either.
   */
  textHash?: string;
  /** Key of the extracted page texts (paged formats such as PDF), beside the raw upload. */
  textKey?: string;
  metadata?: Record<string, string | number | boolean>;
  /** Chunks indexed; set when the version is `ready`. */
  chunkCount?: number;
  /** Indexing parts the version was split into (a large document), while it is `indexing`. */
  parts?: number;
  /** Parts of {@link parts} done so far; each part counts once, however often it runs. */
  partsDone?: number;
  /** Why indexing failed; set when the version is `failed`. */
  error?: string;
  /** Receives of the current version's message so far (from SQS), for the failure reason. */
  attempts?: number;
  /** Times the reconciler re-queued the current version because its indexing stalled. */
  requeues?: number;
  /**
   * Set while the version is `queued` by a re-index: its job joined a backlog of every
   * document's, which may take longer than the reconciler's staleness threshold to drain, so
   * the reconciler waits for it as long as the queue keeps a message.
   */
  queuedInBulk?: boolean;
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
  | 'contentHash'
  | 'textHash'
  | 'textKey'
  | 'metadata'
>;

/**
 * Result of {@link DocumentStore.publishVersion}: the version became `current` (in the status
 * it was published in; nothing is read back, the caller knows what it wrote), was
 * `superseded` at once by a newer one already current (whose record comes back), or its
 * document was `deleted` (or is being deleted) since the version was reserved, so nothing was
 * published.
 */
export type PublishedVersion =
  | { outcome: 'current' }
  | { outcome: 'superseded'; record: DocumentRecord }
  | { outcome: 'deleted' };

/** The statuses a version is indexed from: a job for it is waiting, or a run was cut short. */
export const STARTABLE_STATUSES: readonly DocumentStatus[] = ['queued', 'indexing'];

/**
 * Whether a job may start indexing this version: it is `queued` or `indexing`, or `failed` by
 * the reconciler without ever having started (no attempt, re-queued): its job may have waited
 * in a backlog longer than the reconciler's patience, and indexes it when it arrives.
 */
export const isStartable = (record: Pick<DocumentRecord, 'status' | 'attempts' | 'requeues'>) =>
  STARTABLE_STATUSES.includes(record.status) ||
  (record.status === 'failed' && (record.attempts ?? 0) === 0 && (record.requeues ?? 0) > 0);

/** A status change of {@link DocumentStore.transition}. */
export interface DocumentTransition {
  status: DocumentStatus;
  chunkCount?: number;
  error?: string;
  attempts?: number;
  /** Sets the re-queue count (kept when absent). */
  requeues?: number;
  /** Marks the version {@link DocumentRecord.queuedInBulk}; any other change clears the mark. */
  queuedInBulk?: boolean;
  /** When the change happened (ISO 8601); becomes `updatedAt`. */
  at: string;
  /** Applies the change only if the record is in this status, or in one of these. */
  ifStatus?: DocumentStatus | readonly DocumentStatus[];
  /**
   * Applies the change only if the record was last changed at this instant (its `updatedAt`):
   * the reconciler's guard against overtaking work that moved on since it looked.
   */
  ifUpdatedAt?: string;
}

/** Where a page of {@link DocumentStore.listStale} ended: its last record. */
export type StalePosition = Pick<DocumentRecord, 'updatedAt' | 'tenantId' | 'documentId'>;

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
   * Makes a reserved version the document's current one, `queued` (or `status`: a presigned
   * upload's version is published `awaiting-upload` before its bytes arrive), unless a newer version is
   * already current (`superseded`) or the document was deleted or is being deleted since the
   * version was reserved (`deleted`: its title no longer names it). Clears the previous
   * version's chunk count, error, attempts and re-queues.
   */
  publishVersion(
    version: DocumentVersion,
    at: string,
    status?: PublishStatus,
  ): Promise<PublishedVersion>;
  /** The document the title names, read consistently; undefined when no document has it. */
  findByTitle(tenantId: string, title: string): Promise<DocumentRecord | undefined>;
  /** The document, read consistently; undefined when the tenant has no such document. */
  get(tenantId: string, documentId: string): Promise<DocumentRecord | undefined>;
  /** The tenant's documents, newest first. */
  list(tenantId: string, page: PageRequest): Promise<Page<DocumentRecord>>;
  /**
   * Moves the document to a new status if its stored version is still `version` and it is not
   * being deleted; returns false when the document is gone, being deleted, or superseded by a
   * newer version (the caller then skips the work), or when `ifUpdatedAt` no longer matches.
   */
  transition(
    tenantId: string,
    documentId: string,
    version: number,
    change: DocumentTransition,
  ): Promise<boolean>;
  /**
   * {@link transition} to `indexing` (with `attempts`, the receive count) from a status
   * {@link isStartable} accepts only, that answers the record as the change left it, in one call instead of a
   * read and a write: the indexer's start on each version. Undefined when the change did not
   * apply (the document is gone, being deleted, not at `version`, or its version is `ready`,
   * `failed` or still awaiting its upload: a second job for it changes nothing); the caller then
   * reads the record to learn why.
   */
  startIndexing(
    tenantId: string,
    documentId: string,
    version: number,
    start: { attempts: number; at: string },
  ): Promise<DocumentRecord | undefined>;
  /**
   * Splits the `indexing` version's work into `parts` parts, none done yet. Returns false when
   * the version is no longer current and `indexing` (superseded, deleted, failed).
   */
  startParts(
    tenantId: string,
    documentId: string,
    version: number,
    parts: number,
    at: string,
  ): Promise<boolean>;
  /**
   * Counts part `part` (from 0) of the version's {@link startParts} split as done, atomically
   * and once (a redelivered part adds nothing), and answers how many of how many are done;
   * undefined when the version is no longer current and `indexing` with that split.
   */
  completePart(
    tenantId: string,
    documentId: string,
    version: number,
    split: { part: number; parts: number },
    at: string,
  ): Promise<{ done: number; parts: number } | undefined>;
  /**
   * Writes the deletion tombstone: the document becomes `deleting` as of `at`, which no later
   * upload or status change can undo (only the deleter, {@link restoreDeleting}). Returns the
   * record it replaced, as it was (the caller knows what it wrote), or undefined when there is
   * no such document.
   */
  markDeleting(
    tenantId: string,
    documentId: string,
    at: string,
  ): Promise<DocumentRecord | undefined>;
  /**
   * Takes back the tombstone {@link markDeleting} wrote at `tombstoneAt` over `replaced` (what
   * it returned), when the deletion is called off before anything was removed: the document is
   * in `replaced`'s status, last changed at its `updatedAt`, again. Only if the record is still
   * that tombstone (`deleting` since `tombstoneAt`, at `replaced`'s version: no other deletion
   * wrote over it) and `replaced` was not itself `deleting`; answers whether it was restored.
   */
  restoreDeleting(replaced: DocumentRecord, tombstoneAt: string): Promise<boolean>;
  /**
   * Documents of every tenant in a {@link PENDING_STATUSES} status whose last change is older
   * than `before` (ISO 8601), oldest first (by `updatedAt`, then tenant and document id), at
   * most `limit` of them: work the reconciler finishes. With `after` (the last record of the
   * previous page), only those past it in that order, so records the reader left unchanged do
   * not come back.
   */
  listStale(before: string, limit: number, after?: StalePosition): Promise<DocumentRecord[]>;
  /** Removes the record and frees its title; returns what was removed, if anything. */
  delete(tenantId: string, documentId: string): Promise<DocumentRecord | undefined>;
}
