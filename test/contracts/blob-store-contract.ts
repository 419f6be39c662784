import { beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../lambdas/core/ports/blob-store.js';

/**
 * The behaviour every {@link BlobStore} must have, as a vitest suite to run once per adapter.
 *
 * @example
 * describeBlobStoreContract('FilesystemBlobStore', async () => new FilesystemBlobStore(dir));
 */
export const describeBlobStoreContract = (
  name: string,
  createStore: () => Promise<BlobStore>,
): void => {
  describe(`${name} (BlobStore contract)`, () => {
    let store: BlobStore;
    let root: string;
    let counter = 0;

    beforeEach(async () => {
      store = await createStore();
      counter += 1;
      root = `tenants/t${counter}/documents`;
    });

    it('gives back the bytes it was given', async () => {
      const bytes = Buffer.from([0, 1, 2, 254, 255]);
      await store.put(`${root}/a/v1`, bytes, 'application/octet-stream');

      expect(await store.get(`${root}/a/v1`)).toEqual(bytes);
    });

    it('overwrites an object put again under the same key', async () => {
      await store.put(`${root}/a/v1`, Buffer.from('one'), 'text/plain');
      await store.put(`${root}/a/v1`, Buffer.from('two'), 'text/plain');

      expect((await store.get(`${root}/a/v1`))?.toString()).toBe('two');
    });

    it('reads a missing object as undefined', async () => {
      expect(await store.get(`${root}/missing/v1`)).toBeUndefined();
    });

    it('deletes every object under a prefix and nothing else', async () => {
      await store.put(`${root}/a/v1`, Buffer.from('1'), 'text/plain');
      await store.put(`${root}/a/v2`, Buffer.from('2'), 'text/plain');
      await store.put(`${root}/ab/v1`, Buffer.from('3'), 'text/plain');

      await store.deletePrefix(`${root}/a/`);

      expect(await store.get(`${root}/a/v1`)).toBeUndefined();
      expect(await store.get(`${root}/a/v2`)).toBeUndefined();
      expect((await store.get(`${root}/ab/v1`))?.toString()).toBe('3');
    });

    it('tells whether an object is stored under exactly a key', async () => {
      await store.put(`${root}/a/v1`, Buffer.from('1'), 'text/plain');

      expect(await store.exists(`${root}/a/v1`)).toBe(true);
      expect(await store.exists(`${root}/a/v`)).toBe(false);
      expect(await store.exists(`${root}/a/v12`)).toBe(false);
    });

    it('tells the size of the object stored under a key now, undefined without one', async () => {
      await store.put(`${root}/a/v1`, Buffer.from('12345'), 'text/plain');
      await store.put(`${root}/a/v1`, Buffer.from('123'), 'text/plain');

      expect(await store.size(`${root}/a/v1`)).toBe(3);
      expect(await store.size(`${root}/a/v`)).toBeUndefined();
    });

    it('deletes the object under exactly a key and nothing else', async () => {
      await store.put(`${root}/a/v1`, Buffer.from('1'), 'text/plain');
      await store.put(`${root}/a/v12`, Buffer.from('12'), 'text/plain');

      await store.delete(`${root}/a/v1`);
      await store.delete(`${root}/a/missing`);

      expect(await store.exists(`${root}/a/v1`)).toBe(false);
      expect((await store.get(`${root}/a/v12`))?.toString()).toBe('12');
    });

    it('deletes a prefix that holds nothing without complaint', async () => {
      await expect(store.deletePrefix(`${root}/none/`)).resolves.toBeUndefined();
    });
  });
};
