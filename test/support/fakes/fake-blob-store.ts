import type { BlobStore } from '../../../lambdas/core/ports/blob-store.js';

/** A {@link BlobStore} in memory that can be told to fail its next calls. */
export class FakeBlobStore implements BlobStore {
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  /** Errors thrown, in order, by the next `put` calls. */
  readonly putFailures: Error[] = [];

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const failure = this.putFailures.shift();
    if (failure) throw failure;
    this.objects.set(key, { body: Buffer.from(body), contentType });
  }

  async get(key: string): Promise<Buffer | undefined> {
    const object = this.objects.get(key);
    return object ? Buffer.from(object.body) : undefined;
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }

  async size(key: string): Promise<number | undefined> {
    return this.objects.get(key)?.body.length;
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    for (const key of [...this.objects.keys()])
      if (key.startsWith(prefix)) this.objects.delete(key);
  }

  /** Keys stored under a prefix, sorted. */
  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
}
