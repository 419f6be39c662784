import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentStatus, DocumentStore } from '../ports/document-store.js';
import type { JobQueue } from '../ports/job-queue.js';
import { HttpProblem } from '../problem.js';
import type { SupportedContentType } from './content-types.js';
import { documentBlobKey } from './document-blob-key.js';
import { mayHoldText } from './extract-text.js';

/** What a client uploads. */
export interface UploadDocumentInput {
  tenantId: string;
  title: string;
  /** The raw bytes, stored as they came. */
  content: Uint8Array;
  contentType: SupportedContentType;
  metadata?: Record<string, string | number | boolean>;
}

/** The answer to an upload: the document, its new version, and where that version stands. */
export interface UploadedDocument {
  id: string;
  status: DocumentStatus;
  version: number;
}

/** Dependencies of {@link UploadDocument}. */
export interface UploadDocumentDeps {
  documents: DocumentStore;
  blobs: BlobStore;
  queue: JobQueue;
  clock: Clock;
  /** Largest accepted upload, in bytes. */
  maxBytes: number;
}

/** The reason recorded when a version is stored but its indexing job could not be sent. */
export const NOT_QUEUED_REASON =
  'The document could not be queued for indexing; upload it again to retry.';

/**
 * Use case: accept a document for indexing, the durable `BackgroundTasks`: the work is
 * recorded before the client hears back, and survives restarts and faults.
 *
 * The steps are ordered so that a failure at any point loses nothing and leaves no record
 * pointing at missing text: (1) check the content; (2) reserve the title's document and a new
 * version number; (3) store the raw bytes under that version's own key (never overwriting an
 * earlier upload); (4) make the version current, `queued` (unless a concurrent newer upload
 * already is: then that one stands and no job is sent); (5) send the claim check
 * `{ tenantId, documentId, version }`. A failure before (4) leaves the previous version
 * current; a failure of (5) marks the new version `failed` with a reason that says to upload
 * again, and the error (a 503 naming the queue) reaches the client.
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
    const title = input.title.replace(/\s+/g, ' ').trim();
    if (title === '') throw new HttpProblem(400, { detail: 'The document needs a title' });
    if (input.content.byteLength > maxBytes) {
      throw new HttpProblem(413, {
        detail: `The document is ${input.content.byteLength} bytes; the limit is ${maxBytes} bytes`,
      });
    }
    if (!mayHoldText(input.content, input.contentType)) {
      throw new HttpProblem(422, {
        type: 'urn:problem:empty-document',
        detail: 'The document holds no text to index',
      });
    }

    const { documentId, version } = await documents.reserveVersion(input.tenantId, title);
    const blobKey = documentBlobKey(input.tenantId, documentId, version);
    await blobs.put(blobKey, Buffer.from(input.content), input.contentType);
    const { current, record } = await documents.publishVersion(
      {
        tenantId: input.tenantId,
        documentId,
        title,
        version,
        contentType: input.contentType,
        sizeBytes: input.content.byteLength,
        blobKey,
        ...(input.metadata ? { metadata: input.metadata } : {}),
      },
      clock.now().toISOString(),
    );
    if (current) await this.#enqueue(input.tenantId, documentId, version);
    return { id: record.documentId, status: record.status, version: record.version };
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
