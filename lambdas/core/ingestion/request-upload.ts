import type { Clock } from '../ports/clock.js';
import type { DocumentStore } from '../ports/document-store.js';
import type { PresignedUpload, UploadUrlSigner } from '../ports/upload-url-signer.js';
import { HttpProblem } from '../problem.js';
import { isBlank } from '../text/whitespace.js';
import type { SupportedContentType } from './content-types.js';
import { documentTitle } from './document-title.js';
import { uploadKey } from './object-keys.js';

/** What a client asks for: room for one file of this type and size. */
export interface RequestUploadInput {
  tenantId: string;
  title: string;
  contentType: SupportedContentType;
  /** The exact size of the file, in bytes: the URL accepts no other. */
  contentLength: number;
  metadata?: Record<string, string | number | boolean>;
}

/** The answer: the document and version the file becomes, and where to `PUT` it. */
export interface RequestedUpload {
  id: string;
  version: number;
  status: 'awaiting-upload';
  upload: PresignedUpload & { expiresAt: string };
}

/** Dependencies of {@link RequestUpload}. */
export interface RequestUploadDeps {
  documents: DocumentStore;
  signer: UploadUrlSigner;
  clock: Clock;
  /** Largest file a URL is handed out for, in bytes (`MAX_PRESIGNED_UPLOAD_BYTES`). */
  maxBytes: number;
  /** How long a URL stays valid, in seconds. */
  expiresInSeconds: number;
}

/**
 * Use case: hand out a presigned `PUT` for a file too large for the API's body limit. The
 * title's document gets a new version, recorded `awaiting-upload` with the declared type and
 * size, its raw upload to come at {@link uploadKey} (under the tenant's prefix); the URL binds
 * that key, the content type and the content length into its signature, takes one file only
 * (a conditional write: a second `PUT` is refused, see {@link UploadUrlSigner}) and expires
 * after `expiresInSeconds`. The object's arrival (an S3 event) moves the version to `queued` (see
 * `HandleObjectEvents`); a URL never used leaves the version `awaiting-upload` until the
 * reconciler marks it `failed`.
 *
 * The version is reserved and the URL signed before anything is published, so a failure
 * leaves the document as it was. A document deleted meanwhile, or a newer version published
 * first, is a 409: nothing is published and the URL is not given out.
 *
 * @example
 * const { id, upload } = await requestUpload.execute({ tenantId, title: 'guide.md', contentType: 'text/markdown', contentLength: 12_000_000 });
 * // await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: file });
 */
export class RequestUpload {
  constructor(private readonly deps: RequestUploadDeps) {}

  async execute(input: RequestUploadInput): Promise<RequestedUpload> {
    const { documents, signer, clock, maxBytes, expiresInSeconds } = this.deps;
    const title = documentTitle(input.title);
    if (isBlank(title)) throw new HttpProblem(400, { detail: 'The document needs a title' });
    if (input.contentLength > maxBytes) {
      throw new HttpProblem(413, {
        type: 'urn:problem:document-too-large',
        detail: `The file is ${input.contentLength} bytes; the largest presigned upload is ${maxBytes} bytes (MAX_PRESIGNED_UPLOAD_BYTES)`,
      });
    }
    const { documentId, version } = await documents.reserveVersion(input.tenantId, title);
    const key = uploadKey(input.tenantId, documentId, version);
    const issuedAt = clock.now();
    const upload = await signer.presignPut({
      key,
      contentType: input.contentType,
      contentLength: input.contentLength,
      expiresInSeconds,
    });
    const published = await documents.publishVersion(
      {
        tenantId: input.tenantId,
        documentId,
        title,
        version,
        contentType: input.contentType,
        sizeBytes: input.contentLength,
        blobKey: key,
        ...(input.metadata ? { metadata: input.metadata } : {}),
      },
      issuedAt.toISOString(),
      'awaiting-upload',
    );
    if (published.outcome !== 'current') {
      throw new HttpProblem(409, {
        type: 'urn:problem:document-conflict',
        detail:
          published.outcome === 'deleted'
            ? 'The document was deleted while the upload was being prepared; ask for a new upload URL.'
            : 'A newer version of this document was uploaded meanwhile; ask for a new upload URL.',
      });
    }
    const expiresAt = new Date(issuedAt.getTime() + expiresInSeconds * 1000).toISOString();
    return { id: documentId, version, status: 'awaiting-upload', upload: { ...upload, expiresAt } };
  }
}
