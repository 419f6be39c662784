import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { type InboxWatcher, startInboxWatcher } from '../../../dev/inbox-watcher.js';
import type { FilesystemBlobStore } from '../../../lambdas/adapters/local/filesystem-blob-store.js';

/** A drop-folder watcher over a fresh folder, as {@link useInboxWatcher} sets it up per test. */
export interface InboxWatcherFixture<Blobs extends FilesystemBlobStore> {
  /** The drop folder: `<inboxDir>/<tenantId>/…`. */
  readonly inboxDir: string;
  /** The local bucket the watcher copies into. */
  readonly blobs: Blobs;
  /** The watcher's warnings, in order. */
  readonly warnings: string[];
  /** Starts the watcher (rescans only when asked: `rescanMs` a minute, `settleMs` 10). */
  start(): Promise<InboxWatcher>;
}

/**
 * Registers, for the enclosing `describe`, a fresh temporary folder per test with a drop folder
 * and a local bucket made by `makeBlobs`, and closes the watcher and removes the folder after
 * each test.
 *
 * @example
 * const inbox = useInboxWatcher((root) => new FilesystemBlobStore(root));
 * const watcher = await inbox.start();
 */
export const useInboxWatcher = <Blobs extends FilesystemBlobStore>(
  makeBlobs: (root: string) => Blobs,
): InboxWatcherFixture<Blobs> => {
  let dir = '';
  let blobs: Blobs | undefined;
  let watcher: InboxWatcher | undefined;
  const warnings: string[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'inbox-watcher-'));
    blobs = makeBlobs(join(dir, 'blobs'));
    warnings.length = 0;
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get inboxDir() {
      return join(dir, 'inbox');
    },
    get blobs() {
      if (!blobs) throw new Error('useInboxWatcher: read blobs inside a test');
      return blobs;
    },
    warnings,
    async start() {
      watcher = await startInboxWatcher({
        inboxDir: join(dir, 'inbox'),
        blobs: this.blobs,
        bucket: 'local',
        notify: () => undefined,
        rescanMs: 60_000,
        settleMs: 10,
        warn: (message) => warnings.push(message),
      });
      return watcher;
    },
  };
};
