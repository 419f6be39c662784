import { createHash } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { BlobStore } from '../lambdas/core/ports/blob-store.js';
import { putPrecondition } from './put-precondition.js';
import { readRequestBody } from './read-request-body.js';
import { s3EventNotification } from './s3-event-notification.js';
import { type SigningCredentials, verifyPresignedRequest } from './verify-presigned-request.js';

/** Options of {@link blobUploadListener}. */
export interface BlobUploadOptions {
  /** The bucket name the URLs are signed for. */
  bucket: string;
  /** The credentials the documents function signs with. */
  credentials: SigningCredentials;
  blobs: BlobStore;
  /** Largest body read, in bytes (a signed length bounds it already). */
  maxBytes: number;
  /** Sends an S3 event notification body to the indexing queue. */
  notify: (body: string) => void;
  /** Browser origins allowed to `PUT` (CORS), as the bucket's CORS configuration would. */
  corsOrigins: readonly string[];
}

const xml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/** Answers once the unread body is discarded, so the client reads the answer, not a reset. */
const refuse = (
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string>,
) => {
  const send = () => {
    if (response.headersSent) return;
    response.writeHead(status, { ...headers, 'content-type': 'application/xml' });
    response.end(xml(code, message));
  };
  if (request.complete) return send();
  request.once('end', send).once('error', () => response.destroy());
  request.resume();
};

/**
 * The local stack's S3 endpoint for presigned uploads: it takes a path-style `PUT` of a
 * presigned URL only once its SigV4 signature checks out (`verifyPresignedRequest`: key,
 * content type and length, expiry), stores the object in the local blob store and sends the
 * S3 event notification (`ObjectCreated:Put`) to the indexing queue, as the bucket's
 * notification does in AWS. A conditional `PUT` (`If-None-Match: *`, which every upload URL
 * signs) is refused as S3 refuses it (`putPrecondition`): 412 `PreconditionFailed` once an
 * object is under the key, which stays as it was. Any other request is refused with S3's XML
 * errors; `OPTIONS` answers CORS preflights from the allowed origins.
 *
 * @example
 * createServer(blobUploadListener({ bucket: 'local', credentials, blobs, maxBytes, notify: (body) => queue.send(body), corsOrigins }));
 */
export const blobUploadListener = (options: BlobUploadOptions): RequestListener => {
  const writing = new Set<string>();
  return async (request, response) => {
    const origin = request.headers.origin;
    const cors: Record<string, string> =
      origin && options.corsOrigins.includes(origin)
        ? { 'access-control-allow-origin': origin, vary: 'Origin' }
        : {};
    if (request.method === 'OPTIONS' && cors['access-control-allow-origin']) {
      response.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'PUT',
        'access-control-allow-headers': 'content-type, if-none-match',
        'access-control-max-age': '3000',
      });
      response.end();
      return;
    }
    if (request.method !== 'PUT') {
      refuse(request, response, 405, 'MethodNotAllowed', 'Only presigned PUTs are served', cors);
      return;
    }
    const verdict = await verifyPresignedRequest(
      { method: 'PUT', url: request.url ?? '/', headers: request.headers },
      options.credentials,
    );
    if (!verdict.ok) {
      refuse(request, response, verdict.status, verdict.code, verdict.message, cors);
      return;
    }
    if (verdict.bucket !== options.bucket) {
      refuse(request, response, 404, 'NoSuchBucket', 'The bucket does not exist', cors);
      return;
    }
    let body: Buffer;
    try {
      body = await readRequestBody(request, options.maxBytes);
    } catch {
      refuse(request, response, 400, 'EntityTooLarge', 'The body is larger than allowed', cors);
      return;
    }
    const conflict = writing.has(verdict.key);
    writing.add(verdict.key);
    try {
      const refusal = putPrecondition(request.headers, {
        exists: !conflict && (await options.blobs.exists(verdict.key)),
        writing: conflict,
      });
      if (refusal) {
        refuse(request, response, refusal.status, refusal.code, refusal.message, cors);
        return;
      }
      await options.blobs.put(
        verdict.key,
        body,
        String(request.headers['content-type'] ?? 'binary/octet-stream'),
      );
    } catch (error) {
      refuse(request, response, 400, 'InvalidArgument', (error as Error).message, cors);
      return;
    } finally {
      if (!conflict) writing.delete(verdict.key);
    }
    if (verdict.key.startsWith('tenants/')) {
      options.notify(
        s3EventNotification('ObjectCreated:Put', options.bucket, verdict.key, body.length),
      );
    }
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    response.writeHead(200, { ...cors, etag, 'access-control-expose-headers': 'ETag' });
    response.end();
  };
};
