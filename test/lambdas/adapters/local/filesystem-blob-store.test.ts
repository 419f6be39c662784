import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FilesystemBlobStore } from '../../../../lambdas/adapters/local/filesystem-blob-store.js';
import { describeBlobStoreContract } from '../../../contracts/blob-store-contract.js';

const base = mkdtempSync(join(tmpdir(), 'blobs-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describeBlobStoreContract(
  'FilesystemBlobStore',
  async () => new FilesystemBlobStore(join(base, 'contract')),
);

describe('FilesystemBlobStore', () => {
  const root = join(base, 'store');
  const store = new FilesystemBlobStore(root);

  it.each([
    '../outside',
    'a/../../outside',
    '/etc/passwd',
    'a//b',
    'a/./b',
    'a\\..\\b',
    '',
    'a/b\u0000c',
  ])('refuses the key %j before touching the filesystem', async (key) => {
    await expect(store.put(key, Buffer.from('x'), 'text/plain')).rejects.toThrow(
      'Invalid blob key',
    );
    await expect(store.get(key)).rejects.toThrow('Invalid blob key');
  });

  it('refuses a key whose last name, with its suffix, is longer than a file name may be', () => {
    const name = `${'x'.repeat(252)}.md`; // 255 characters: a file name the folder holds

    expect(store.accepts(`tenants/a/inbox/${name}`)).toBe(false);
  });

  it('stores a key whose last name is 250 characters long', async () => {
    const key = `tenants/a/inbox/${'x'.repeat(247)}.md`;

    await store.put(key, Buffer.from('x'), 'text/plain');

    expect(store.accepts(key)).toBe(true);
    expect(await store.get(key)).toEqual(Buffer.from('x'));
  });

  it('leaves no temporary file behind when a write fails', async () => {
    mkdirSync(join(root, 'failing', 'object.blob'), { recursive: true });

    await expect(store.put('failing/object', Buffer.from('x'), 'text/plain')).rejects.toThrow();

    expect(readdirSync(join(root, 'failing'))).toEqual(['object.blob']);
  });

  it('never writes outside its directory', async () => {
    await store.put('tenants/a/documents/d/v1', Buffer.from('x'), 'text/plain');

    expect(readdirSync(base).sort()).toEqual(['contract', 'store']);
    expect(existsSync(join(root, 'tenants/a/documents/d/v1.blob'))).toBe(true);
  });

  it('lets a key be the prefix of another key', async () => {
    await store.put('k', Buffer.from('short'), 'text/plain');
    await store.put('k/longer', Buffer.from('long'), 'text/plain');

    expect((await store.get('k'))?.toString()).toBe('short');
    expect((await store.get('k/longer'))?.toString()).toBe('long');
  });

  it("stores an object while a delete of its folder's last object prunes that folder", async () => {
    // Arrange: each round, a folder holding one object that is deleted as another is written
    // beside it (a document's new version uploaded while its old one is deleted).
    const rounds = Array.from({ length: 200 }, (_, round) => `race/doc-${round}`);
    for (const folder of rounds) await store.put(`${folder}/v1`, Buffer.from('old'), 'text/plain');

    // Act
    const writes: PromiseSettledResult<void>[] = [];
    for (const [round, folder] of rounds.entries()) {
      // The put starts a little later each round, so one of them meets the prune.
      const put = new Promise<void>((resolve, reject) => {
        const start = () => store.put(`${folder}/v2`, Buffer.from('new'), 'text/plain');
        let hops = round % 20;
        const hop = () => (hops-- > 0 ? setImmediate(hop) : start().then(resolve, reject));
        hop();
      });
      writes.push(...(await Promise.allSettled([store.deletePrefix(`${folder}/v1`), put])));
    }

    // Assert
    expect(writes.filter((write) => write.status === 'rejected')).toEqual([]);
    const stored = await Promise.all(rounds.map((folder) => store.get(`${folder}/v2`)));
    expect(stored.map(String)).toEqual(rounds.map(() => 'new'));
  });

  it('removes the directories a prefix delete empties', async () => {
    await store.put('tenants/z/documents/d/v1', Buffer.from('x'), 'text/plain');

    await store.deletePrefix('tenants/z/documents/d/');

    expect(existsSync(join(root, 'tenants/z'))).toBe(false);
  });

  it('removes the temporary files of writes a stopped process left long ago', async () => {
    await store.put('tenants/z/documents/d/v1', Buffer.from('x'), 'text/plain');
    const leftover = join(root, 'tenants/z/documents/d/.tmp-0b4e6a52-3c1d-4e8f-9a7b-2d5c8e1f0a36');
    writeFileSync(leftover, 'partial');
    const longAgo = new Date(Date.now() - 60 * 60_000);
    utimesSync(leftover, longAgo, longAgo);

    await store.removeLeftoverTemporaries();

    expect(existsSync(leftover)).toBe(false);
    expect(await store.get('tenants/z/documents/d/v1')).toEqual(Buffer.from('x'));
  });

  it('keeps a temporary file written just now: a write another process has in progress', async () => {
    const writing = join(root, 'tenants/z/documents/e/.tmp-1c5f7b63-4d2e-4f90-8b8c-3e6d9f2a1b47');
    mkdirSync(dirname(writing), { recursive: true });
    writeFileSync(writing, 'partial');

    await store.removeLeftoverTemporaries();

    expect(existsSync(writing)).toBe(true);
  });

  it('ignores files that are not blobs (left-over temporaries)', async () => {
    await store.put('tenants/y/documents/d/v1', Buffer.from('x'), 'text/plain');
    writeFileSync(join(root, 'tenants/y/documents/d/.tmp-123'), 'partial');

    await store.deletePrefix('tenants/y/documents/d/');

    expect(await store.get('tenants/y/documents/d/v1')).toBeUndefined();
  });
});
