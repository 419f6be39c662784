import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type {
  PresignedUpload,
  UploadGrant,
  UploadUrlSigner,
} from '../../core/ports/upload-url-signer.js';

/** Headers bound into every upload URL's signature, beside `host`. */
const SIGNED_HEADERS = new Set(['content-type', 'content-length', 'if-none-match']);

/**
 * {@link UploadUrlSigner} with the AWS SDK's S3 presigner: a SigV4 query-signed `PutObject` URL
 * for one key of the bucket, valid `expiresInSeconds`, with the content type and length among
 * its signed headers, so S3 refuses an upload of another key, type or size (403). The URL is
 * signed with the function's own credentials, so it allows what its role allows and no more.
 *
 * The URL is single-use: it is signed as a conditional write (`If-None-Match: *`, a signed
 * header), so S3 stores the object only while none is under the key and answers a second `PUT`
 * with 412 `PreconditionFailed`, leaving the first file, the one its version was accepted for.
 * A client retrying a `PUT` whose first attempt succeeded but whose answer was lost gets that
 * 412 too: the file is there, its event was sent, and its version goes on to `ready` as usual.
 *
 * The client must be built with `requestChecksumCalculation: 'WHEN_REQUIRED'`: otherwise the
 * SDK signs a CRC32 checksum of the (empty) body it presigns, and S3 refuses every real file.
 *
 * @example
 * const signer = new S3UploadUrlSigner(new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' }), bucket);
 * await signer.presignPut({ key: 'tenants/acme/uploads/0b4e…/v1', contentType: 'text/markdown', contentLength: 812, expiresInSeconds: 900 });
 */
export class S3UploadUrlSigner implements UploadUrlSigner {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async presignPut(grant: UploadGrant): Promise<PresignedUpload> {
    const url = await getSignedUrl(
      this.client,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: grant.key,
        ContentType: grant.contentType,
        ContentLength: grant.contentLength,
        IfNoneMatch: '*',
      }),
      { expiresIn: grant.expiresInSeconds, signableHeaders: SIGNED_HEADERS },
    );
    return {
      url,
      method: 'PUT',
      headers: {
        'content-type': grant.contentType,
        'content-length': String(grant.contentLength),
        'if-none-match': '*',
      },
    };
  }
}
