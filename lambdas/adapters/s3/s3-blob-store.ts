import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BlobStore } from '../../core/ports/blob-store.js';
import { awsCall, toAwsDependencyError } from '../aws/aws-call.js';

/** Most keys one `DeleteObjects` request takes. */
const DELETE_BATCH = 1000;

/**
 * {@link BlobStore} on an S3 bucket. Objects are written with server-side encryption as the
 * bucket's default configures it; a missing object reads as undefined; deleting a prefix
 * lists it and deletes in batches of 1000 keys. Failures become `DependencyError`s naming s3.
 *
 * @example
 * const blobs = new S3BlobStore(new S3Client({}), process.env.BUCKET_NAME);
 * await blobs.put('tenants/acme/documents/0b4e…/v1', Buffer.from('# Guide'), 'text/markdown');
 */
export class S3BlobStore implements BlobStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await awsCall('s3', 'PutObject', () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ContentLength: body.byteLength,
        }),
      ),
    );
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const { Body } = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      return Body ? Buffer.from(await Body.transformToByteArray()) : Buffer.alloc(0);
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') {
        return undefined;
      }
      throw toAwsDependencyError('s3', 'GetObject', error);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (error instanceof NotFound || name === 'NotFound' || name === 'NoSuchKey') return false;
      throw toAwsDependencyError('s3', 'HeadObject', error);
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (error instanceof NotFound || name === 'NotFound' || name === 'NoSuchKey')
        return undefined;
      throw toAwsDependencyError('s3', 'HeadObject', error);
    }
  }

  async delete(key: string): Promise<void> {
    await awsCall('s3', 'DeleteObject', () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
    );
  }

  async deletePrefix(prefix: string): Promise<void> {
    const pages = paginateListObjectsV2(
      { client: this.client, pageSize: DELETE_BATCH },
      { Bucket: this.bucket, Prefix: prefix },
    );
    const keys: string[] = [];
    await awsCall('s3', 'ListObjectsV2', async () => {
      for await (const page of pages) {
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      }
    });
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      const { Errors = [] } = await awsCall('s3', 'DeleteObjects', () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      );
      if (Errors.length > 0) {
        const failure = new Error(`${Errors.length} objects were not deleted`);
        failure.name = Errors[0]?.Code ?? 'DeleteObjectsError';
        throw toAwsDependencyError('s3', 'DeleteObjects', failure);
      }
    }
  }
}
