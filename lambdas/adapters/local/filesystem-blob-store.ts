import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { BlobStore } from '../../core/ports/blob-store.js';
import { isAbandonedTemporary } from './abandoned-temporary.js';

/** Suffix of stored files, so that a key can also be the prefix of other keys (`a` and `a/b`). */
const SUFFIX = '.blob';

/** Longest name of a key's segment: a file name holds 255 bytes on Linux and macOS, suffix included. */
export const MAX_SEGMENT_CHARS = 255 - SUFFIX.length;

/** Whether a file name is a stored object's. */
const isStored = (name: string) => name.endsWith(SUFFIX);

/** Whether a file name is a write's temporary file (see `put`). */
const isTemporary = (name: string) => /^\.tmp-[0-9a-f-]{36}$/.test(name);

const SEGMENT = new RegExp(`^[A-Za-z0-9._=+@-]{1,${MAX_SEGMENT_CHARS}}$`);

/** Writes tried before giving up on a folder that prunes keep removing. */
const MAX_FOLDER_ATTEMPTS = 8;

const isErrno = (error: unknown, code: string) => (error as { code?: string }).code === code;

/**
 * {@link BlobStore} on the local filesystem, for `npm run dev`: each object is a file under
 * `rootDir`, its path the key's `/`-separated segments. Keys are checked before any file is
 * touched: only relative keys of plain segments (letters, digits, `._=+@-`, never `.` or `..`,
 * at most {@link MAX_SEGMENT_CHARS} characters, so that every one is a file name the disk
 * holds) are accepted, and the resolved path must stay inside `rootDir`, so no key can reach a file
 * outside it. Writes go to a temporary file renamed into place, so readers never see half an
 * object; those a stopped process left are removed by {@link removeLeftoverTemporaries}.
 *
 * @example
 * const blobs = new FilesystemBlobStore('.data/blobs');
 * await blobs.put('tenants/local/documents/0b4e…/v1', Buffer.from('# Guide'), 'text/markdown');
 */
export class FilesystemBlobStore implements BlobStore {
  readonly #root: string;

  constructor(rootDir: string) {
    this.#root = resolve(rootDir);
  }

  async put(key: string, body: Buffer, _contentType: string): Promise<void> {
    const file = this.#fileOf(key);
    const temporary = join(dirname(file), `.tmp-${randomUUID()}`);
    try {
      await this.#writeInFolder(temporary, body);
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /**
   * Writes a new file, making its folder first. A delete of the folder's last object prunes the
   * folder once it is empty, which it is between the `mkdir` and the write (a document's new
   * version uploaded while its old one is deleted): the folder is made again then. Once the
   * file is written, the folder is no longer empty, so no prune removes it before the rename.
   */
  async #writeInFolder(path: string, body: Buffer): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, body, { flag: 'wx' });
        return;
      } catch (error) {
        if (!isErrno(error, 'ENOENT') || attempt === MAX_FOLDER_ATTEMPTS) throw error;
      }
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.#fileOf(key));
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.#fileOf(key))).isFile();
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return false;
      throw error;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const found = await stat(this.#fileOf(key));
      return found.isFile() ? found.size : undefined;
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.#fileOf(key);
    await rm(file, { force: true });
    await this.#pruneEmptyDirectories(dirname(file));
  }

  async deletePrefix(prefix: string): Promise<void> {
    const directory = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = directory === '' ? this.#root : dirname(this.#fileOf(`${directory}/x`));
    for (const file of await this.#filesUnder(start)) {
      const key = relative(this.#root, file).split(sep).join('/').slice(0, -SUFFIX.length);
      if (key.startsWith(prefix)) await rm(file, { force: true });
    }
    await this.#pruneEmptyDirectories(start);
  }

  /** Every key that starts with `prefix`, sorted (the local drop-folder watcher lists its copies). */
  async list(prefix: string): Promise<string[]> {
    const directory = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = directory === '' ? this.#root : dirname(this.#fileOf(`${directory}/x`));
    return (await this.#filesUnder(start))
      .map((file) => relative(this.#root, file).split(sep).join('/').slice(0, -SUFFIX.length))
      .filter((key) => key.startsWith(prefix))
      .sort();
  }

  /**
   * Removes the temporary files of writes that a stopped process left under the root (a crash
   * between the write and its rename): those written `ABANDONED_AFTER_MS` (10 min) or more ago; a
   * write in progress, in this process or another, is younger. Meant for the start.
   */
  async removeLeftoverTemporaries(): Promise<void> {
    for (const file of await this.#filesUnder(this.#root, isTemporary)) {
      if (await isAbandonedTemporary(file)) await rm(file, { force: true });
    }
  }

  /** Whether a key is one this store accepts (plain relative segments, see the class). */
  accepts(key: string): boolean {
    try {
      this.#fileOf(key);
      return true;
    } catch {
      return false;
    }
  }

  /** The file of a key; throws for any key that is not a plain relative path. */
  #fileOf(key: string): string {
    const segments = key.split('/');
    if (
      key.length > 1024 ||
      segments.some((segment) => !SEGMENT.test(segment) || segment === '.' || segment === '..')
    ) {
      throw new Error(`Invalid blob key: ${JSON.stringify(key)}`);
    }
    const file = resolve(this.#root, ...segments) + SUFFIX;
    if (!file.startsWith(this.#root + sep)) throw new Error(`Invalid blob key: ${key}`);
    return file;
  }

  /** The files under `directory` whose names `named` accepts (default: stored objects). */
  async #filesUnder(directory: string, named = isStored): Promise<string[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return [];
      throw error;
    }
    const files: string[] = [];
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) files.push(...(await this.#filesUnder(path, named)));
      else if (entry.isFile() && named(entry.name)) files.push(path);
    }
    return files;
  }

  /** Removes the empty directories under and including `directory`, then its emptied parents. */
  async #pruneEmptyDirectories(directory: string): Promise<void> {
    const prune = async (path: string): Promise<void> => {
      const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) if (entry.isDirectory()) await prune(join(path, entry.name));
      await rmdir(path).catch(() => undefined);
    };
    if (directory !== this.#root) await prune(directory);
    let parent = dirname(directory);
    while (parent.startsWith(this.#root + sep)) {
      const removed = await rmdir(parent).then(
        () => true,
        () => false,
      );
      if (!removed) return;
      parent = dirname(parent);
    }
  }
}
