import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { verifyPresignedRequest } from '../../dev/verify-presigned-request.js';

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local-secret' };
const HOST = '127.0.0.1:48123';

const presignPut = async (key: string) => {
  const client = new S3Client({
    region: 'local',
    endpoint: `http://${HOST}`,
    forcePathStyle: true,
    credentials: CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const url = new URL(
    await getSignedUrl(
      client,
      new PutObjectCommand({
        Bucket: 'raw',
        Key: key,
        ContentType: 'text/markdown',
        ContentLength: 12,
      }),
      { expiresIn: 900, signableHeaders: new Set(['content-type', 'content-length']) },
    ),
  );
  return url;
};

const put = (url: URL, headers: Record<string, string> = {}) => ({
  method: 'PUT',
  url: `${url.pathname}${url.search}`,
  headers: { host: HOST, 'content-type': 'text/markdown', 'content-length': '12', ...headers },
});

describe('verifyPresignedRequest', () => {
  it("accepts the AWS documentation's example presigned GET (an independent signer)", async () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
    const verdict = await verifyPresignedRequest(
      {
        method: 'GET',
        url:
          '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
          '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
          '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
          '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
        headers: { host: 'examplebucket.s3.amazonaws.com' },
      },
      {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
      new Date('2013-05-24T01:00:00Z'),
    );

    expect(verdict.ok).toBe(true);
  });

  it("accepts the SDK presigner's PUT with the signed type and length, naming bucket and key", async () => {
    const url = await presignPut('tenants/acme/uploads/a b/v1');

    expect(await verifyPresignedRequest(put(url), CREDENTIALS)).toEqual({
      ok: true,
      bucket: 'raw',
      key: 'tenants/acme/uploads/a b/v1',
    });
  });

  it("refuses the URL with its key moved under another tenant's prefix", async () => {
    const url = await presignPut('tenants/acme/uploads/doc/v1');
    url.pathname = url.pathname.replace('/tenants/acme/', '/tenants/other/');

    expect(await verifyPresignedRequest(put(url), CREDENTIALS)).toMatchObject({
      ok: false,
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
  });

  it.each([
    ['another content length', { 'content-length': '13' }],
    ['another content type', { 'content-type': 'text/html' }],
  ])('refuses a PUT with %s than signed', async (_, headers) => {
    const url = await presignPut('tenants/acme/uploads/doc/v1');

    expect(await verifyPresignedRequest(put(url, headers), CREDENTIALS)).toMatchObject({
      ok: false,
      code: 'SignatureDoesNotMatch',
    });
  });

  it('refuses the URL once it has expired', async () => {
    const url = await presignPut('tenants/acme/uploads/doc/v1');

    const verdict = await verifyPresignedRequest(
      put(url),
      CREDENTIALS,
      new Date(Date.now() + 901_000),
    );

    expect(verdict).toMatchObject({ ok: false, status: 403, code: 'AccessDenied' });
  });

  it('refuses a URL signed with another secret', async () => {
    const url = await presignPut('tenants/acme/uploads/doc/v1');

    const verdict = await verifyPresignedRequest(put(url), {
      ...CREDENTIALS,
      secretAccessKey: 'x',
    });

    expect(verdict).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });
});
