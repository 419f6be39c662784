import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentStore } from '../ports/document-store.js';
import type { JobQueue } from '../ports/job-queue.js';
import { HttpProblem } from '../problem.js';
import { isBlank } from '../text/whitespace.js';
import { AcceptUpload, tooLarge } from './accept-upload.js';
import { resolveContentType } from './content-types.js';
import type { DeleteDocument } from './delete-document.js';
import { documentTitle } from './document-title.js';
import { inboxDocumentTitle } from './inbox-document-title.js';
import { inboxKey, parseObjectKey } from './object-keys.js';
import type { UploadDocument } from './upload-document.js';

/** A change of one object of the bucket, as an S3 event notification reports it. */
export interface ObjectEvent {
  change: 'created' | 'removed';
  /** The object key, decoded. */
  key: string;
  /** The object's size, in bytes (created objects). */
  sizeBytes?: number;
}

/** What {@link HandleObjectEvents} did with one event, for the log. */
export type ObjectEventOutcome =
  | { kind: 'queued' | 'unchanged' | 'deleted'; documentId: string; version?: number }
  | { kind: 'failed'; documentId: string; version: number; reason: string }
  | { kind: 'discarded' | 'ignored'; reason: string };

/** Dependencies of {@link HandleObjectEvents}. */
export interface HandleObjectEventsDeps {
  documents: DocumentStore;
  blobs: BlobStore;
  queue: JobQueue;
  /** Drop-folder files go through the same use case as API uploads (versions, content hash). */
  uploadDocument: Pick<UploadDocument, 'execute'>;
  deleteDocument: Pick<DeleteDocument, 'executeUnless'>;
  clock: Clock;
  /** Largest object indexed, in bytes (`MAX_PRESIGNED_UPLOAD_BYTES`); larger ones fail and are removed. */
  maxBytes: number;
}

/**
 * The blob key recorded for a drop-folder file this handler removed as too large: no object
 * is stored under it, and its removal event is told apart from the owner's removal of a file
 * whose version failed for another reason (which deletes the document).
 */
const removedAsTooLarge = (key: string): string => `${key}#removed-too-large`;

/**
 * Use case: turn object events of the raw bucket into document changes, so that objects
 * written straight to S3 enter the same pipeline as API uploads.
 *
 * - A presigned upload arriving (`tenants/<t>/uploads/<id>/v<n>`) goes to {@link AcceptUpload}
 *   (as the reconciler's repair of a lost event does): that version moves from
 *   `awaiting-upload` to `queued` and its index job is sent. An object of the wrong size fails
 *   the version and is removed; an object that no record waits for (a deleted document, a
 *   superseded version, an expired URL) is removed. A repeated event changes nothing.
 * - A drop-folder file created or overwritten (`tenants/<t>/inbox/<path>`) is uploaded as the
 *   document titled by its path ({@link inboxDocumentTitle}: `<path>` itself, or a readable form
 *   of it with a hash of the whole path when it is long or its white space would fold, so two
 *   paths are never one document), typed by its extension: a new version, or none when the
 *   bytes are unchanged. A file over `maxBytes` is recorded `failed` with the reason and removed; one the
 *   upload refuses (not text) is recorded `failed`; one of an unsupported type is ignored.
 * - A drop-folder file removed deletes the document its path titles, unless its version failed
 *   on that very file (this use case removed it: the failure stays readable).
 *
 * S3 may deliver events late, twice and out of order, so each decision reads the present: a
 * created object that is gone by now is skipped, and a removal whose key holds an object again
 * (re-created since) deletes nothing, checked once more under the deletion's tombstone, which
 * holds off the new file's upload (found there then, the tombstone is taken back). Other keys
 * (the raw versions the API itself writes) are ignored. Failures propagate, so the queue
 * delivers the event again.
 *
 * @example
 * await handleObjectEvents.execute({ change: 'created', key: 'tenants/acme/inbox/guide.md', sizeBytes: 812 });
 * // { kind: 'queued', documentId: '0b4e…', version: 1 }
 */
export class HandleObjectEvents {
  readonly #acceptUpload: AcceptUpload;

  constructor(private readonly deps: HandleObjectEventsDeps) {
    this.#acceptUpload = new AcceptUpload(deps);
  }

  async execute(event: ObjectEvent): Promise<ObjectEventOutcome> {
    const target = parseObjectKey(event.key);
    if (!target) return { kind: 'ignored', reason: 'not an upload or drop-folder key' };
    if (target.kind === 'upload') {
      if (event.change === 'removed') return { kind: 'ignored', reason: 'an upload was removed' };
      const { tenantId, documentId, version } = target;
      const accepted = await this.#acceptUpload.execute({
        tenantId,
        documentId,
        version,
        key: event.key,
        ...(event.sizeBytes === undefined ? {} : { sizeBytes: event.sizeBytes }),
      });
      return accepted.kind === 'missing' ? { kind: 'ignored', reason: accepted.reason } : accepted;
    }
    if (isBlank(documentTitle(target.path))) {
      return { kind: 'ignored', reason: 'the file name is blank' };
    }
    const title = inboxDocumentTitle(target.path);
    return event.change === 'created'
      ? this.#inboxCreated(event, target.tenantId, target.path, title)
      : this.#inboxRemoved(event, target.tenantId, target.path, title);
  }

  async #inboxCreated(
    event: ObjectEvent,
    tenantId: string,
    path: string,
    title: string,
  ): Promise<ObjectEventOutcome> {
    const { blobs, maxBytes } = this.deps;
    const contentType = resolveContentType(undefined, path);
    if (!contentType) return { kind: 'ignored', reason: `${path} is not of a supported type` };
    if (event.sizeBytes !== undefined && event.sizeBytes > maxBytes) {
      // Decided on the object as it is now, not as the event saw it: a late event of a file
      // since replaced by a smaller one must not remove that one.
      const size = await blobs.size(event.key);
      if (size === undefined) return { kind: 'ignored', reason: 'the object is gone' };
      if (size > maxBytes) {
        const failed = await this.#recordFailure(tenantId, title, contentType, size, {
          reason: tooLarge(size, maxBytes),
          blobKey: removedAsTooLarge(event.key),
        });
        await blobs.delete(event.key);
        return failed;
      }
    }
    const content = await blobs.get(event.key);
    if (!content) return { kind: 'ignored', reason: 'the object is gone' };
    try {
      const accepted = await this.deps.uploadDocument.execute({
        tenantId,
        title,
        content,
        contentType,
      });
      return {
        kind: accepted.unchanged ? 'unchanged' : 'queued',
        documentId: accepted.id,
        version: accepted.version,
      };
    } catch (error) {
      if (!(error instanceof HttpProblem) || error.status >= 500 || error.status === 409) {
        throw error;
      }
      return this.#recordFailure(tenantId, title, contentType, content.byteLength, {
        reason: error.detail,
        blobKey: event.key,
      });
    }
  }

  /**
   * Whether a file still feeds the document of `path`: its own key written again, or the same
   * name in the other Unicode form (NFC or NFD), which names the same document.
   */
  async #stillPresent(tenantId: string, path: string): Promise<boolean> {
    const keys = new Set([path, path.normalize('NFC'), path.normalize('NFD')]);
    for (const key of keys) {
      if (await this.deps.blobs.exists(inboxKey(tenantId, key))) return true;
    }
    return false;
  }

  async #inboxRemoved(
    event: ObjectEvent,
    tenantId: string,
    path: string,
    title: string,
  ): Promise<ObjectEventOutcome> {
    if (await this.#stillPresent(tenantId, path)) {
      return { kind: 'ignored', reason: 'the file was written again since' };
    }
    const record = await this.deps.documents.findByTitle(tenantId, title);
    if (!record) return { kind: 'ignored', reason: 'no document has this title' };
    if (record.status === 'failed' && record.blobKey === removedAsTooLarge(event.key)) {
      // This handler's own removal of a file too large: the failure stays readable.
      return { kind: 'ignored', reason: 'the file of a failed version was removed' };
    }
    // Asked again under the tombstone, which holds off the file's re-creation: a removal racing
    // it (checked above before the new file was there) never deletes the document it made.
    const deleted = await this.deps.deleteDocument.executeUnless(tenantId, record.documentId, () =>
      this.#stillPresent(tenantId, path),
    );
    if (deleted === 'kept') return { kind: 'ignored', reason: 'the file was written again since' };
    if (deleted === 'missing') return { kind: 'ignored', reason: 'no document has this title' };
    return { kind: 'deleted', documentId: record.documentId };
  }

  /** Records a new version of the title, `failed` with the reason, so the owner can see why. */
  async #recordFailure(
    tenantId: string,
    title: string,
    contentType: string,
    sizeBytes: number,
    failure: { reason: string; blobKey: string },
  ): Promise<ObjectEventOutcome> {
    const { documents, clock } = this.deps;
    const { documentId, version } = await documents.reserveVersion(tenantId, title);
    const at = clock.now().toISOString();
    const published = await documents.publishVersion(
      { tenantId, documentId, title, version, contentType, sizeBytes, blobKey: failure.blobKey },
      at,
    );
    if (published.outcome !== 'current') {
      return { kind: 'ignored', reason: `the document was ${published.outcome} meanwhile` };
    }
    await documents.transition(tenantId, documentId, version, {
      status: 'failed',
      error: failure.reason,
      at,
    });
    return { kind: 'failed', documentId, version, reason: failure.reason };
  }
}
