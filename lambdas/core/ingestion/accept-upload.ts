import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentStore } from '../ports/document-store.js';
import type { JobQueue } from '../ports/job-queue.js';

/** An object stored under a presigned upload's key (`tenants/<t>/uploads/<id>/v<n>`). */
export interface UploadedObject {
  tenantId: string;
  documentId: string;
  version: number;
  /** The object key. */
  key: string;
  /** The object's size in bytes, as its event reports it; read from the blob store when absent. */
  sizeBytes?: number;
}

/** What {@link AcceptUpload} did with one uploaded object. */
export type UploadOutcome =
  | { kind: 'queued'; documentId: string; version: number }
  | { kind: 'failed'; documentId: string; version: number; reason: string }
  | { kind: 'discarded' | 'ignored'; reason: string }
  /** No object is stored under the key (only when the size had to be read). */
  | { kind: 'missing'; reason: string };

/** Dependencies of {@link AcceptUpload}. */
export interface AcceptUploadDeps {
  documents: DocumentStore;
  blobs: BlobStore;
  queue: JobQueue;
  clock: Clock;
  /** Largest object indexed, in bytes (`MAX_PRESIGNED_UPLOAD_BYTES`); larger ones fail and are removed. */
  maxBytes: number;
}

/**
 * The reason a version whose object is larger than `limit` is given.
 *
 * @example
 * tooLarge(2_000, 1_000) // 'The file is 2000 bytes; the largest accepted is 1000 bytes (…). It was removed.'
 */
export const tooLarge = (size: number, limit: number): string =>
  `The file is ${size} bytes; the largest accepted is ${limit} bytes (MAX_PRESIGNED_UPLOAD_BYTES). It was removed.`;

/**
 * Use case: take in the object of a presigned upload, once it is in the bucket. Its
 * `ObjectCreated` event calls it (`HandleObjectEvents`), and so does the reconciler for a
 * version still `awaiting-upload` whose event was lost, so both take the same path.
 *
 * The version waiting for it (`awaiting-upload`, or `queued` by an earlier call) moves to
 * `queued` and its index job is sent. An object of another size than declared, or over
 * `maxBytes`, fails the version and is removed; an object that no record waits for (a deleted
 * document, a superseded version, an expired URL) is removed. A repeated call changes nothing
 * but sending the job again, which is harmless. Without `sizeBytes`, the object's size is read
 * from the blob store: none there, nothing changes (`missing`). Each change applies only to the
 * record as it was read (its status and `updatedAt`): an event and the reconciler taking in
 * the same object at once change it once, and a version indexed meanwhile is left alone.
 *
 * @example
 * await acceptUpload.execute({ tenantId: 'acme', documentId: '0b4e…', version: 2, key: 'tenants/acme/uploads/0b4e…/v2' });
 * // { kind: 'queued', documentId: '0b4e…', version: 2 }
 */
export class AcceptUpload {
  constructor(private readonly deps: AcceptUploadDeps) {}

  async execute(upload: UploadedObject): Promise<UploadOutcome> {
    const { documents, blobs, queue, clock, maxBytes } = this.deps;
    const { tenantId, documentId, version, key } = upload;
    const record = await documents.get(tenantId, documentId);
    const waiting =
      record?.version === version &&
      (record.status === 'awaiting-upload' || record.status === 'queued');
    if (!waiting) {
      if (record?.version === version && record.status !== 'deleting') {
        return { kind: 'ignored', reason: `version ${version} is already ${record.status}` };
      }
      await blobs.delete(key);
      return { kind: 'discarded', reason: 'no document waits for this upload' };
    }
    const size = upload.sizeBytes ?? (await blobs.size(key));
    if (size === undefined) return { kind: 'missing', reason: 'the object is not there' };
    if (size > maxBytes || size !== record.sizeBytes) {
      const reason =
        size > maxBytes
          ? tooLarge(size, maxBytes)
          : `The upload is ${size} bytes, not the ${record.sizeBytes} bytes declared. It was removed.`;
      const failed = await documents.transition(tenantId, documentId, version, {
        status: 'failed',
        error: reason,
        at: clock.now().toISOString(),
        ifStatus: record.status,
        ifUpdatedAt: record.updatedAt,
      });
      if (!failed) return { kind: 'ignored', reason: `version ${version} changed meanwhile` };
      await blobs.delete(key);
      return { kind: 'failed', documentId, version, reason };
    }
    if (record.status === 'awaiting-upload') {
      const moved = await documents.transition(tenantId, documentId, version, {
        status: 'queued',
        at: clock.now().toISOString(),
        ifStatus: 'awaiting-upload',
        ifUpdatedAt: record.updatedAt,
      });
      if (!moved) return { kind: 'ignored', reason: `version ${version} changed meanwhile` };
    }
    // A repeated call finds the version queued already: sending the job again is harmless.
    await queue.enqueue({ tenantId, documentId, version });
    return { kind: 'queued', documentId, version };
  }
}
