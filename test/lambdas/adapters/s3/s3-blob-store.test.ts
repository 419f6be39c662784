import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../../../lambdas/adapters/s3/s3-blob-store.js';
import { describeBlobStoreContract } from '../../../contracts/blob-store-contract.js';
import { type S3StandIn, startS3StandIn } from '../../../support/s3-stand-in.js';

let s3: S3StandIn;
let client: S3Client;
beforeAll(async () => {
  s3 = await startS3StandIn();
  client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await s3.close();
});

describeBlobStoreContract('S3BlobStore', async () => new S3BlobStore(client, 'raw-documents'));

describe('S3BlobStore', () => {
  it('stores the object with its content type in the bucket', async () => {
    const store = new S3BlobStore(client, 'raw-documents');

    await store.put('tenants/a/documents/d/v1', Buffer.from('# Guide'), 'text/markdown');

    expect(s3.objects.get('raw-documents/tenants/a/documents/d/v1')).toEqual({
      body: Buffer.from('# Guide'),
      contentType: 'text/markdown',
    });
  });

  it('deletes a large prefix in batches of 1000 keys', async () => {
    const store = new S3BlobStore(client, 'bulk');
    for (let i = 0; i < 1500; i += 1) {
      s3.objects.set(`bulk/tenants/a/documents/d/v${i}`, {
        body: Buffer.from('x'),
        contentType: 'text/plain',
      });
    }
    const before = s3.requests.length;

    await store.deletePrefix('tenants/a/documents/d/');

    const calls = s3.requests.slice(before);
    expect(calls.filter((call) => call.startsWith('POST')).length).toBe(2);
    expect([...s3.objects.keys()].filter((key) => key.startsWith('bulk/'))).toEqual([]);
  });

  it('turns throttling into a 503 that names s3', async () => {
    const store = new S3BlobStore(client, 'raw-documents');
    s3.failNext(503, 'SlowDown');

    await expect(
      store.put('tenants/a/documents/d/v9', Buffer.from('x'), 'text/plain'),
    ).rejects.toMatchObject({
      status: 503,
      dependency: 's3',
    });
  });

  it('turns a refusal into a 502 that names s3', async () => {
    const store = new S3BlobStore(client, 'raw-documents');
    s3.failNext(403, 'AccessDenied');

    await expect(store.get('tenants/a/documents/d/v1')).rejects.toMatchObject({
      status: 502,
      dependency: 's3',
    });
  });
});
