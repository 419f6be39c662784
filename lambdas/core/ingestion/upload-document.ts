import { createHash } from 'node:crypto';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentRecord, DocumentStatus, DocumentStore } from '../ports/document-store.js';
import type { JobQueue } from '../ports/job-queue.js';
import { HttpProblem } from '../problem.js';
import { isBlank } from '../text/whitespace.js';
import type { SupportedContentType } from './content-types.js';
import { documentBlobKey, documentTextKey } from './document-blob-key.js';
import { documentTitle } from './document-title.js';
import {
  type ExtractedDocument,
  type ExtractionReaders,
  extractDocument,
  extractionProblem,
} from './extract-document.js';
import { encodePages } from './stored-pages.js';

/** What a client uploads. */
export interface UploadDocumentInput {
  tenantId: string;
  title: string;
  /** The raw bytes, stored as they came. */
  content: Uint8Array;
  contentType: SupportedContentType;
  /** The uploaded file's name, if it had one. */
  fileName?: string;
  metadata?: Record<string, string | number | boolean>;
  /** The request's time budget: no further step starts once it has fired. */
  signal?: AbortSignal;
}

/** The answer to an upload: the document, its new version, and where that version stands. */
export interface UploadedDocument {
  id: string;
  status: DocumentStatus;
  version: number;
  /** The title's current version already holds this text: nothing new was stored. */
  unchanged?: true;
}

/** Dependencies of {@link UploadDocument}. */
export interface UploadDocumentDeps {
  documents: DocumentStore;
  blobs: BlobStore;
  queue: JobQueue;
  clock: Clock;
  /** Largest accepted upload, in bytes. */
  maxBytes: number;
  /** Reads the text of binary formats (PDF). */
  readers: ExtractionReaders;
}

/** The reason recorded when a version is stored but its indexing job could not be sent. */
export const NOT_QUEUED_REASON =
  'The document could not be queued for indexing; upload it again to retry.';

/**
 * Whether two flat metadata maps hold the same entries, in whatever order (a JSON object's
 * members have none, and DynamoDB does not keep a map's).
 */
type Metadata = Record<string, string | number | boolean>;

const sameMetadata = (a: Metadata, b: Metadata): boolean => {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key])
  );
};

/**
 * Whether the title's current version already holds what this upload brings: the same text
 * (by `sameText`), type and metadata, and a version that did not fail and is not being deleted.
 */
const holdsSame = (
  existing: DocumentRecord,
  input: UploadDocumentInput,
  sameText: (record: DocumentRecord) => boolean,
): boolean =>
  sameText(existing) &&
  existing.contentType === input.contentType &&
  sameMetadata(existing.metadata ?? {}, input.metadata ?? {}) &&
  existing.status !== 'failed' &&
  existing.status !== 'deleting';

const unchanged = ({ documentId: id, status, version }: DocumentRecord): UploadedDocument => ({
  id,
  status,
  version,
  unchanged: true,
});

/** The answer when the document was deleted while the upload was being stored. */
const deletedMeanwhile = () =>
  new HttpProblem(409, {
    type: 'urn:problem:document-deleted',
    detail:
      'The document was deleted while this upload was in progress; nothing was stored. Upload it again.',
  });

/**
 * Use case: accept a document for indexing, the durable `BackgroundTasks`: the work is
 * recorded before the client hears back, and survives restarts and faults.
 *
 * The steps are ordered so that a failure at any point loses nothing and leaves no record
 * pointing at missing text: (1) check the content ({@link extractDocument}: a PDF's pages are
 * read here, and an encrypted, image-only or malformed one is refused with a 422 before
 * anything is stored); (2) reserve the title's document and a new
 * version number; (3) store the raw bytes under that version's own key (never overwriting an
 * earlier upload), and a PDF's page texts beside them; (4) make the version current, `queued` (unless a concurrent newer upload
 * already is: then that one stands and no job is sent); (5) send the claim check
 * `{ tenantId, documentId, version }`. A failure before (4) leaves the previous version
 * current; a failure of (5) marks the new version `failed` with a reason that says to upload
 * again, and the error (a 503 naming the queue) reaches the client. A crash between (4) and
 * (5) leaves the version `queued` without a job: the reconciler re-queues it.
 *
 * An upload whose text is identical (same SHA-256 of the extracted text, or of the bytes) to
 * the title's current version, unless that version failed, stores nothing and queues nothing:
 * it answers that version, marked `unchanged`, so re-running an ingest, or re-uploading a PDF
 * re-saved with new timestamps, costs no version and no embedding call.
 *
 * When the document is deleted (or being deleted) between (2) and (4), nothing is published:
 * the bytes stored in (3) are removed and the client gets a 409 saying to upload again, so an
 * upload never revives a deleted document.
 *
 * @example
 * const upload = new UploadDocument({ documents, blobs, queue, clock: systemClock, maxBytes: 2 ** 21 });
 * await upload.execute({ tenantId, title: 'Guide', content: Buffer.from('# Guide…'), contentType: 'text/markdown' });
 * // { id: '0b4e…', status: 'queued', version: 1 }
 */
export class UploadDocument {
  constructor(private readonly deps: UploadDocumentDeps) {}

  async execute(input: UploadDocumentInput): Promise<UploadedDocument> {
    const { documents, blobs, clock, maxBytes } = this.deps;
    const title = documentTitle(input.title);
    if (isBlank(title)) throw new HttpProblem(400, { detail: 'The document needs a title' });
    if (input.content.byteLength > maxBytes) {
      throw new HttpProblem(413, {
        detail: `The document is ${input.content.byteLength} bytes; the limit is ${maxBytes} bytes`,
      });
    }
    const contentHash = createHash('sha256').update(input.content).digest('hex');
    input.signal?.throwIfAborted();
    const existing = await documents.findByTitle(input.tenantId, title);
    // The same bytes are the same text: answered before a PDF is parsed.
    if (existing && holdsSame(existing, input, (record) => record.contentHash === contentHash)) {
      return unchanged(existing);
    }
    const extracted = await extractDocument(
      { bytes: input.content, contentType: input.contentType },
      this.deps.readers,
      input.signal ? { signal: input.signal } : {},
    );
    if (!extracted.ok) throw extractionProblem(extracted);
    if (
      existing &&
      holdsSame(existing, input, (record) => record.textHash === extracted.textHash)
    ) {
      return unchanged(existing);
    }
    input.signal?.throwIfAborted();
    const { documentId, version } = await documents.reserveVersion(input.tenantId, title);
    const blobKey = documentBlobKey(input.tenantId, documentId, version);
    input.signal?.throwIfAborted();
    await blobs.put(blobKey, Buffer.from(input.content), input.contentType);
    const textKey = await this.#storePages(extracted, documentTextKey(blobKey));
    input.signal?.throwIfAborted();
    const published = await documents.publishVersion(
      {
        tenantId: input.tenantId,
        documentId,
        title,
        version,
        contentType: input.contentType,
        sizeBytes: input.content.byteLength,
        blobKey,
        contentHash,
        textHash: extracted.textHash,
        ...(textKey ? { textKey } : {}),
        ...(input.metadata ? { metadata: input.metadata } : {}),
      },
      clock.now().toISOString(),
    );
    if (published.outcome === 'deleted') {
      // Only what this upload stored: a deletion called off (its tombstone taken back) keeps
      // the document, and the earlier versions' files with it.
      await blobs.delete(blobKey);
      if (textKey) await blobs.delete(textKey);
      throw deletedMeanwhile();
    }
    if (published.outcome === 'superseded') {
      const { record } = published;
      return { id: record.documentId, status: record.status, version: record.version };
    }
    await this.#enqueue(input.tenantId, documentId, version);
    return { id: documentId, status: 'queued', version };
  }

  /** Stores a paged document's page texts, read once here, for the indexer's parts to share. */
  async #storePages(extracted: ExtractedDocument, key: string): Promise<string | undefined> {
    if (!extracted.pages) return undefined;
    await this.deps.blobs.put(key, encodePages(extracted.pages), 'application/json');
    return key;
  }

  async #enqueue(tenantId: string, documentId: string, version: number): Promise<void> {
    try {
      await this.deps.queue.enqueue({ tenantId, documentId, version });
    } catch (error) {
      await this.deps.documents
        .transition(tenantId, documentId, version, {
          status: 'failed',
          error: NOT_QUEUED_REASON,
          at: this.deps.clock.now().toISOString(),
        })
        .catch(() => false);
      throw error;
    }
  }
}
