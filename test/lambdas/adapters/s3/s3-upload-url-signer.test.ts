import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3UploadUrlSigner } from '../../../../lambdas/adapters/s3/s3-upload-url-signer.js';
import { type S3StandIn, startS3StandIn } from '../../../support/s3-stand-in.js';

const CREDENTIALS = { accessKeyId: 'documents-fn', secretAccessKey: 'documents-secret' };
const BODY = Buffer.from('# Handbook\n\nA large file.');

let s3: S3StandIn;
let signer: S3UploadUrlSigner;
beforeAll(async () => {
  s3 = await startS3StandIn({
    secretOf: (id) => (id === CREDENTIALS.accessKeyId ? CREDENTIALS.secretAccessKey : undefined),
  });
  signer = new S3UploadUrlSigner(
    new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'local',
      credentials: CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
    'raw',
  );
});
afterAll(async () => {
  await s3.close();
});

const grant = (key: string) => ({
  key,
  contentType: 'text/markdown',
  contentLength: BODY.length,
  expiresInSeconds: 900,
});

describe('S3UploadUrlSigner', () => {
  it('signs a PUT that S3 takes with the given headers, storing the file under the key', async () => {
    const upload = await signer.presignPut(grant('tenants/acme/uploads/doc/v1'));

    const response = await fetch(upload.url, {
      method: upload.method,
      headers: upload.headers,
      body: BODY,
    });

    expect(response.status).toBe(200);
    expect(s3.objects.get('raw/tenants/acme/uploads/doc/v1')).toEqual({
      body: BODY,
      contentType: 'text/markdown',
    });
  });

  it("cannot write under another tenant's prefix: the moved key is a 403", async () => {
    const upload = await signer.presignPut(grant('tenants/acme/uploads/doc/v2'));
    const tampered = upload.url.replace('/tenants/acme/', '/tenants/other/');

    const response = await fetch(tampered, { method: 'PUT', headers: upload.headers, body: BODY });

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('SignatureDoesNotMatch');
    expect([...s3.objects.keys()].some((key) => key.includes('tenants/other/'))).toBe(false);
  });

  it('cannot upload more bytes than signed', async () => {
    const upload = await signer.presignPut(grant('tenants/acme/uploads/doc/v3'));

    const response = await fetch(upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'text/markdown' },
      body: Buffer.concat([BODY, Buffer.from(' and more')]),
    });

    expect(response.status).toBe(403);
    expect(s3.objects.has('raw/tenants/acme/uploads/doc/v3')).toBe(false);
  });

  it('signs if-none-match among the headers of the URL and lists it with the headers to send', async () => {
    const upload = await signer.presignPut(grant('tenants/acme/uploads/doc/v4'));

    const signedHeaders = new URL(upload.url).searchParams.get('X-Amz-SignedHeaders');

    expect(signedHeaders?.split(';')).toContain('if-none-match');
    expect(upload.headers).toMatchObject({ 'if-none-match': '*' });
  });

  it('is single-use: a second PUT with the URL is a 412 and the first file stays', async () => {
    const upload = await signer.presignPut(grant('tenants/acme/uploads/doc/v5'));
    const send = (body: typeof BODY) =>
      fetch(upload.url, { method: upload.method, headers: upload.headers, body });
    await send(BODY);

    const second = await send(Buffer.from(BODY.toString().toUpperCase()));

    expect(second.status).toBe(412);
    expect(await second.text()).toContain('PreconditionFailed');
    expect(s3.objects.get('raw/tenants/acme/uploads/doc/v5')?.body).toEqual(BODY);
  });

  it('cannot be sent without if-none-match: the missing signed header is a 403', async () => {
    const upload = await signer.presignPut(grant('tenants/acme/uploads/doc/v6'));
    const { 'if-none-match': _, ...unconditional } = upload.headers;

    const response = await fetch(upload.url, {
      method: 'PUT',
      headers: unconditional,
      body: BODY,
    });

    expect(response.status).toBe(403);
    expect(s3.objects.has('raw/tenants/acme/uploads/doc/v6')).toBe(false);
  });
});
