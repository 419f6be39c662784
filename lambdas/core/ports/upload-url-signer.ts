/** What a presigned upload URL allows: one `PUT` of exactly these bytes to one key. */
export interface UploadGrant {
  key: string;
  contentType: string;
  contentLength: number;
  expiresInSeconds: number;
}

/** A presigned `PUT`: the URL and the headers the client must send with exactly these values. */
export interface PresignedUpload {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
}

/** Port that presigns direct uploads to the blob store (S3 SigV4 query signing). */
export interface UploadUrlSigner {
  presignPut(grant: UploadGrant): Promise<PresignedUpload>;
}
