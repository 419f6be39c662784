import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { putPrecondition } from '../../dev/put-precondition.js';
import { readBody } from '../../dev/serve-http-api.js';
import { verifyPresignedRequest } from '../../dev/verify-presigned-request.js';

/** A stored object of the stand-in. */
export interface S3StandInObject {
  body: Buffer;
  contentType: string;
}

/** Options of {@link startS3StandIn}. */
export interface S3StandInOptions {
  /**
   * The secret access key of an access key id, for checking presigned requests (SigV4 query
   * signatures); without it, or for an unknown key, a presigned request is refused.
   */
  secretOf?: (accessKeyId: string) => string | undefined;
}

/** A running {@link startS3StandIn}. */
export interface S3StandIn {
  /** Endpoint for an `S3Client` with `forcePathStyle: true`. */
  readonly endpoint: string;
  /** Objects by `bucket/key`. */
  readonly objects: Map<string, S3StandInObject>;
  /** `METHOD /path?query` of every request, in order. */
  readonly requests: string[];
  /** Presigned requests refused, with S3's error code, in order. */
  readonly refused: { request: string; code: string }[];
  /** Answers the next `count` requests with this S3 error. */
  failNext(status: number, code: string, count?: number): void;
  close(): Promise<void>;
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const xmlUnescape = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

const errorXml = (code: string) =>
  `<Error><Code>${code}</Code><Message>${code}</Message><RequestId>stand-in</RequestId></Error>`;

/**
 * A minimal S3 REST stand-in for adapter tests, path-style, in memory: `PutObject`,
 * `GetObject` (404 `NoSuchKey`), `HeadObject`, `DeleteObject`, `ListObjectsV2` (with `max-keys` and continuation tokens) and
 * `DeleteObjects`: the calls the blob store makes, answered in S3's wire format so that the
 * real SDK (serialisation, XML parsing, checksums, errors) runs end to end. Presigned requests
 * (SigV4 in the query, as a presigned upload URL's `PUT`) are checked as S3 checks them
 * (`verifyPresignedRequest`) with the secrets `secretOf` gives, and refused with S3's errors;
 * a conditional `PutObject` (`If-None-Match: *`) is refused with 412 once the key holds an object.
 *
 * @example
 * const s3 = await startS3StandIn();
 * const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'local' });
 */
export const startS3StandIn = async (options: S3StandInOptions = {}): Promise<S3StandIn> => {
  const objects = new Map<string, S3StandInObject>();
  const requests: string[] = [];
  const refused: { request: string; code: string }[] = [];
  const failures: { status: number; code: string }[] = [];

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://s3.local');
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    const body = await readBody(request);
    const failure = failures.shift();
    if (failure) {
      response.writeHead(failure.status, { 'content-type': 'application/xml' });
      response.end(`${XML_DECLARATION}${errorXml(failure.code)}`);
      return;
    }
    const [bucket = '', ...keyParts] = url.pathname.slice(1).split('/');
    const key = keyParts.map(decodeURIComponent).join('/');
    const send = (status: number, xml: string) => {
      response.writeHead(status, { 'content-type': 'application/xml' });
      response.end(`${XML_DECLARATION}${xml}`);
    };
    if (url.searchParams.has('X-Amz-Signature')) {
      const accessKeyId = (url.searchParams.get('X-Amz-Credential') ?? '').split('/')[0] ?? '';
      const secret = options.secretOf?.(accessKeyId);
      const verdict = secret
        ? await verifyPresignedRequest(
            { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers },
            { accessKeyId, secretAccessKey: secret },
          )
        : ({ ok: false, status: 403, code: 'InvalidAccessKeyId' } as const);
      if (!verdict.ok) {
        refused.push({ request: `${request.method} ${url.pathname}`, code: verdict.code });
        return send(verdict.status, errorXml(verdict.code));
      }
    }

    if (request.method === 'PUT' && key) {
      const refusal = putPrecondition(request.headers, {
        exists: objects.has(`${bucket}/${key}`),
        writing: false,
      });
      if (refusal) return send(refusal.status, errorXml(refusal.code));
      objects.set(`${bucket}/${key}`, {
        body,
        contentType: request.headers['content-type'] ?? 'application/octet-stream',
      });
      response.writeHead(200, { etag: '"stand-in"' });
      response.end();
    } else if (request.method === 'HEAD' && key) {
      const object = objects.get(`${bucket}/${key}`);
      response.writeHead(object ? 200 : 404, {
        ...(object
          ? { 'content-type': object.contentType, 'content-length': String(object.body.length) }
          : {}),
      });
      response.end();
    } else if (request.method === 'DELETE' && key) {
      objects.delete(`${bucket}/${key}`);
      response.writeHead(204);
      response.end();
    } else if (request.method === 'GET' && key) {
      const object = objects.get(`${bucket}/${key}`);
      if (!object) return send(404, errorXml('NoSuchKey'));
      response.writeHead(200, {
        'content-type': object.contentType,
        'content-length': String(object.body.length),
      });
      response.end(object.body);
    } else if (request.method === 'GET' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const maxKeys = Number(url.searchParams.get('max-keys') ?? 1000);
      const start = Number(url.searchParams.get('continuation-token') ?? 0);
      const keys = [...objects.keys()]
        .filter((name) => name.startsWith(`${bucket}/${prefix}`))
        .map((name) => name.slice(bucket.length + 1))
        .sort();
      const page = keys.slice(start, start + maxKeys);
      const truncated = start + maxKeys < keys.length;
      send(
        200,
        `<ListBucketResult><Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${
          truncated ? `<NextContinuationToken>${start + maxKeys}</NextContinuationToken>` : ''
        }${page.map((name) => `<Contents><Key>${xmlEscape(name)}</Key><Size>${objects.get(`${bucket}/${name}`)!.body.length}</Size></Contents>`).join('')}</ListBucketResult>`,
      );
    } else if (request.method === 'POST' && url.searchParams.has('delete')) {
      const names = [...body.toString('utf8').matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) =>
        xmlUnescape(m[1]!),
      );
      for (const name of names) objects.delete(`${bucket}/${name}`);
      send(200, '<DeleteResult></DeleteResult>');
    } else {
      send(400, errorXml('NotImplemented'));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    objects,
    requests,
    refused,
    failNext: (status, code, count = 1) => {
      for (let i = 0; i < count; i += 1) failures.push({ status, code });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
