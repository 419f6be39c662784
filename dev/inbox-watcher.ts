import { type FSWatcher, watch } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import {
  type FilesystemBlobStore,
  MAX_SEGMENT_CHARS,
} from '../lambdas/adapters/local/filesystem-blob-store.js';
import { isTenantId, TENANT_ID_RULE } from '../lambdas/core/auth/tenant-id.js';
import { inboxKey } from '../lambdas/core/ingestion/object-keys.js';
import { s3EventNotification } from './s3-event-notification.js';

/** Options of {@link startInboxWatcher}. */
export interface InboxWatcherOptions {
  /** The local drop folder: `<inboxDir>/<tenantId>/<path>` is the object `tenants/<tenantId>/inbox/<path>`. */
  inboxDir: string;
  /** The local bucket the files are copied into. */
  blobs: FilesystemBlobStore;
  bucket: string;
  /** Sends an S3 event notification body to the indexing queue. */
  notify: (body: string) => void;
  /** Time between full rescans, in ms (changes fs.watch reports are picked up sooner). */
  rescanMs: number;
  /** How long a changed file must stay unchanged before it is taken, in ms (a copy in progress). */
  settleMs?: number;
  /** Reports a file that cannot be taken (a name the blob store refuses). */
  warn?: (message: string) => void;
}

/** A running {@link startInboxWatcher}. */
export interface InboxWatcher {
  /** Scans the folder now (and again if it changed meanwhile); resolves when done. */
  rescan(): Promise<void>;
  close(): Promise<void>;
}

interface Seen {
  size: number;
  mtimeMs: number;
}

const INBOX_KEY = /^tenants\/[^/]+\/inbox\/./;

/**
 * The local stack's drop folders, playing S3 and its notifications for
 * `tenants/<tenantId>/inbox/…`: a file written under `<inboxDir>/<tenantId>/` is copied into the
 * local bucket under that key and announced with `ObjectCreated:Put`, an overwrite with another
 * one, and a file removed is removed from the bucket and announced with `ObjectRemoved:Delete`,
 * the same event bodies S3 sends to the queue, so the indexer does the rest as in AWS.
 *
 * It compares the folder with the bucket's copies: at start (changes made while the stack was
 * stopped are caught up, unchanged files cost nothing), on every `fs.watch` report (debounced)
 * and every `rescanMs` as well, since watchers miss events (network and container mounts,
 * renames, overflow). A changed file is taken only once its size and time have stayed the same
 * for `settleMs`, so a copy in progress does not become a version. Hidden files are skipped.
 *
 * @example
 * const watcher = await startInboxWatcher({ inboxDir: '.data/inbox', blobs, bucket: 'local', notify: (body) => queue.send(body), rescanMs: 5_000 });
 */
export const startInboxWatcher = async (options: InboxWatcherOptions): Promise<InboxWatcher> => {
  const { inboxDir, blobs, bucket, notify } = options;
  const settleMs = options.settleMs ?? 300;
  await mkdir(inboxDir, { recursive: true });
  /** What each key was when last taken (or found equal to the bucket's copy). */
  const taken = new Map<string, Seen>();
  /** What a changed file looked like at the previous scan. */
  const changing = new Map<string, Seen>();
  /** Keys whose event this watcher sent (or re-sent) since it started. */
  const announced = new Set<string>();
  const warned = new Set<string>();
  let closed = false;
  let running: Promise<void> | undefined;
  let again = false;
  let settleTimer: NodeJS.Timeout | undefined;
  let debounce: NodeJS.Timeout | undefined;

  const filesUnder = async (directory: string): Promise<string[]> => {
    const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
    const files: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) files.push(...(await filesUnder(path)));
      else if (entry.isFile()) files.push(path);
      else if (entry.isSymbolicLink() && !warned.has(path)) {
        // Not followed (a bucket has no links, and a link may loop): said once, not ignored.
        warned.add(path);
        options.warn?.(`inbox: skipped ${path} (a symbolic link; copy the file or folder in)`);
      }
    }
    return files;
  };

  const scanOnce = async () => {
    const present = new Set<string>();
    let unsettled = false;
    for (const file of await filesUnder(inboxDir)) {
      const [tenantId, ...rest] = relative(inboxDir, file).split(sep);
      if (!tenantId || rest.length === 0) continue;
      if (!isTenantId(tenantId)) {
        if (!warned.has(tenantId)) options.warn?.(`inbox: skipped ${file} (${TENANT_ID_RULE})`);
        warned.add(tenantId);
        continue;
      }
      const key = inboxKey(tenantId, rest.join('/'));
      if (!blobs.accepts(key)) {
        if (!warned.has(key))
          options.warn?.(
            `inbox: skipped ${file} (use letters, digits and ._=+@- in names of at most ${MAX_SEGMENT_CHARS} characters)`,
          );
        warned.add(key);
        continue;
      }
      present.add(key);
      const info = await stat(file).catch(() => undefined);
      if (!info) continue;
      const now = { size: info.size, mtimeMs: info.mtimeMs };
      const last = taken.get(key);
      if (last && last.size === now.size && last.mtimeMs === now.mtimeMs) continue;
      const before = changing.get(key);
      if (!before || before.size !== now.size || before.mtimeMs !== now.mtimeMs) {
        changing.set(key, now);
        unsettled = true;
        continue;
      }
      changing.delete(key);
      const body = await readFile(file).catch(() => undefined);
      if (!body) continue;
      const copy = await blobs.get(key);
      if (!copy?.equals(body)) {
        await blobs.put(key, body, 'application/octet-stream');
        notify(s3EventNotification('ObjectCreated:Put', bucket, key, body.length));
      } else if (!announced.has(key)) {
        // Copied before this start, but its event may have been lost with the stack (the local
        // queue is in memory): announced once again; an indexed file answers `unchanged`.
        notify(s3EventNotification('ObjectCreated:Put', bucket, key, body.length));
      }
      announced.add(key);
      // Only once copied: a failed copy is tried again by the next scan.
      taken.set(key, now);
    }
    for (const key of await blobs.list('tenants/')) {
      if (!INBOX_KEY.test(key) || present.has(key)) continue;
      await blobs.delete(key);
      taken.delete(key);
      changing.delete(key);
      notify(s3EventNotification('ObjectRemoved:Delete', bucket, key));
    }
    if (unsettled && !closed) {
      clearTimeout(settleTimer);
      settleTimer = setTimeout(() => void rescan(), settleMs);
    }
  };

  const rescan = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await scanOnce();
        } while (again && !closed);
      } catch (error) {
        options.warn?.(`inbox: scan failed: ${(error as Error).message}`);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(inboxDir, { recursive: true }, () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => void rescan(), 100);
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // No recursive watching here: the periodic rescan alone keeps the folder in sync.
  }
  const interval = setInterval(() => void rescan(), options.rescanMs);
  interval.unref();
  await rescan();

  return {
    rescan,
    close: async () => {
      closed = true;
      clearInterval(interval);
      clearTimeout(debounce);
      clearTimeout(settleTimer);
      watcher?.close();
      await running;
    },
  };
};
