/** Port for raw document storage (S3 in AWS, the filesystem locally). */
export interface BlobStore {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Returns the bytes, or undefined when there is no such object. */
  get(key: string): Promise<Buffer | undefined>;
  /** Whether an object is stored under exactly this key (its bytes are not read). */
  exists(key: string): Promise<boolean>;
  /** The size in bytes of the object stored under exactly this key now, or undefined. */
  size(key: string): Promise<number | undefined>;
  /** Deletes the object under exactly this key, if there is one. */
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix`. */
  deletePrefix(prefix: string): Promise<void>;
}
