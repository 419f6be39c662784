import { S3Client } from '@aws-sdk/client-s3';
import { S3UploadUrlSigner } from '../lambdas/adapters/s3/s3-upload-url-signer.js';
import type { ThreadUploadSigning } from './function-thread.js';

/**
 * The presigner of the local stack's own S3 endpoint (`BLOB_PORT`), signing with the
 * credentials of this run, which that endpoint checks.
 *
 * @example
 * const uploadUrls = localUploadUrlSigner({ endpoint: blobUrl, bucket: 'local', credentials });
 */
export const localUploadUrlSigner = (signing: ThreadUploadSigning): S3UploadUrlSigner =>
  new S3UploadUrlSigner(
    new S3Client({
      endpoint: signing.endpoint,
      forcePathStyle: true,
      region: 'local',
      credentials: signing.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
    signing.bucket,
  );
