import type {
  PresignedUpload,
  UploadGrant,
  UploadUrlSigner,
} from '../../../lambdas/core/ports/upload-url-signer.js';

/** An {@link UploadUrlSigner} that records each grant and answers a URL naming it. */
export class FakeUploadUrlSigner implements UploadUrlSigner {
  readonly grants: UploadGrant[] = [];

  async presignPut(grant: UploadGrant): Promise<PresignedUpload> {
    this.grants.push(grant);
    return {
      url: `https://uploads.test/${grant.key}?expires=${grant.expiresInSeconds}`,
      method: 'PUT',
      headers: {
        'content-type': grant.contentType,
        'content-length': String(grant.contentLength),
      },
    };
  }
}
