import { createHash, createHmac, type Hash, type Hmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import type { Checksum, SourceData } from '@smithy/types';

/** The static credentials a local S3 endpoint signs and verifies with. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A request as it reached the server: `url` is the request target (path and query, raw). */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** The outcome of {@link verifyPresignedRequest}: S3's error code when the request is refused. */
export type PresignedVerdict =
  | { ok: true; bucket: string; key: string }
  | { ok: false; status: 400 | 403; code: string; message: string };

/** Longest validity S3 accepts for a presigned URL (7 days). */
const MAX_EXPIRES_SECONDS = 604_800;

const PAYLOAD_HASH = new Set(['x-amz-content-sha256']);

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * SHA-256 (and HMAC-SHA-256 with a secret) on `node:crypto`, in the shape the SDK's signer
 * takes. Written here because the SDK's own (`@smithy/hash-node`) is only a transitive
 * dependency of the clients, not one of the project's.
 */
class NodeSha256 implements Checksum {
  #hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.#hash = this.#create();
  }

  update(data: Uint8Array): void {
    this.#hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return this.#hash.digest();
  }

  reset(): void {
    this.#hash = this.#create();
  }

  #create(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key =
      typeof this.secret === 'string'
        ? this.secret
        : Buffer.from(
            this.secret instanceof ArrayBuffer
              ? new Uint8Array(this.secret)
              : new Uint8Array(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength),
          );
    return createHmac('sha256', key);
  }
}

const refuse = (status: 400 | 403, code: string, message: string): PresignedVerdict => ({
  ok: false,
  status,
  code,
  message,
});

const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/**
 * Checks a presigned (SigV4 query-signed) S3 request path-style, as S3 does: the algorithm, the
 * access key, the validity window (`X-Amz-Date` + `X-Amz-Expires`), and the signature, computed
 * again over the request as received (method, path, query, and the values of every header
 * `X-Amz-SignedHeaders` names) with the SDK's own S3 presigner and compared in constant time.
 * A changed key or bucket, another content type or length than signed, or a later request than
 * allowed is refused with S3's status and error code (`SignatureDoesNotMatch`, `AccessDenied`).
 *
 * The local stack's S3 endpoint and the tests' S3 stand-in use it, so that what a URL allows
 * there is what it allows against S3.
 *
 * @example
 * const verdict = await verifyPresignedRequest(request, { accessKeyId: 'local', secretAccessKey: 'local' });
 * if (!verdict.ok) reply(verdict.status, verdict.code);
 */
export const verifyPresignedRequest = async (
  request: ReceivedRequest,
  credentials: SigningCredentials,
  now: Date = new Date(),
): Promise<PresignedVerdict> => {
  const host = headerValue(request.headers, 'host') ?? '';
  const target = new URL(request.url, `http://${host || 'localhost'}`);
  const query = target.searchParams;
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !query.has('X-Amz-Signature')) {
    return refuse(403, 'AccessDenied', 'Only presigned (SigV4 query) requests are accepted');
  }
  const [accessKeyId, , region = '', service] = (query.get('X-Amz-Credential') ?? '').split('/');
  if (accessKeyId !== credentials.accessKeyId || service !== 's3') {
    return refuse(403, 'InvalidAccessKeyId', 'The access key id does not exist in our records');
  }
  const date = AMZ_DATE.exec(query.get('X-Amz-Date') ?? '');
  const expires = Number(query.get('X-Amz-Expires'));
  if (!date || !Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS) {
    return refuse(
      400,
      'AuthorizationQueryParametersError',
      'X-Amz-Date or X-Amz-Expires is invalid',
    );
  }
  const signingDate = new Date(
    Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!),
  );
  if (now.getTime() > signingDate.getTime() + expires * 1000) {
    return refuse(403, 'AccessDenied', 'Request has expired');
  }
  if (now.getTime() < signingDate.getTime() - 15 * 60_000) {
    return refuse(403, 'AccessDenied', 'Request is not valid yet');
  }
  const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
  if (!signedHeaders.includes('host')) {
    return refuse(400, 'AuthorizationQueryParametersError', 'host must be a signed header');
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value === undefined) {
      return refuse(403, 'SignatureDoesNotMatch', `The signed header ${name} is missing`);
    }
    headers[name] = value;
  }
  const rest: Record<string, string> = {};
  for (const [name, value] of query) if (name !== 'X-Amz-Signature') rest[name] = value;
  const [path = '/'] = request.url.split('?');
  const presigner = new S3RequestPresigner({
    credentials,
    region,
    sha256: NodeSha256,
  });
  const signed = await presigner.presign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: target.hostname,
      ...(target.port ? { port: Number(target.port) } : {}),
      path,
      query: rest,
      headers,
    },
    {
      signingDate,
      expiresIn: expires,
      signingRegion: region,
      signableHeaders: new Set(signedHeaders),
      // The SDK's presigner puts the payload hash in the query; other signers may leave it out.
      ...(query.has('X-Amz-Content-Sha256')
        ? {}
        : { unhoistableHeaders: PAYLOAD_HASH, unsignableHeaders: PAYLOAD_HASH }),
    },
  );
  const expected = Buffer.from(String(signed.query?.['X-Amz-Signature'] ?? ''));
  const given = Buffer.from(query.get('X-Amz-Signature') ?? '');
  if (
    expected.length !== given.length ||
    !timingSafeEqual(expected, given) ||
    signed.query?.['X-Amz-SignedHeaders'] !== signedHeaders.join(';')
  ) {
    return refuse(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided',
    );
  }
  const [bucket = '', ...keyParts] = path.slice(1).split('/');
  return { ok: true, bucket, key: keyParts.map(decodeURIComponent).join('/') };
};
