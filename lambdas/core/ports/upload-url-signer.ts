/**
 * What a presigned upload URL allows: one `PUT` of exactly these bytes to one key, while no
 * object is stored under it.
 */
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

/**
 * Port that presigns direct uploads to the blob store (S3 SigV4 query signing). A URL is
 * single-use: once an object is under its key, another `PUT` with it is refused (S3's 412
 * `PreconditionFailed`) and the object stays as first written, so a version's file never
 * changes after it was accepted. A client whose `PUT` succeeded but whose answer was lost sees
 * that 412 on retrying; its file is in, and its version completes as any other.
 */
export interface UploadUrlSigner {
  presignPut(grant: UploadGrant): Promise<PresignedUpload>;
}
