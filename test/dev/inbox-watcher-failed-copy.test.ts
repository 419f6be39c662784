import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type InboxWatcher, startInboxWatcher } from '../../dev/inbox-watcher.js';
import { FilesystemBlobStore } from '../../lambdas/adapters/local/filesystem-blob-store.js';

/** The local bucket, whose next `put` fails once (a full disk, a transient I/O error). */
class FlakyBlobStore extends FilesystemBlobStore {
  failNextPut = false;

  override async put(key: string, body: Buffer, contentType: string): Promise<void> {
    if (this.failNextPut) {
      this.failNextPut = false;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    return super.put(key, body, contentType);
  }
}

describe('the local drop-folder watcher ', () => {
  let dir: string;
  let inboxDir: string;
  let blobs: FlakyBlobStore;
  let watcher: InboxWatcher | undefined;
  const warnings: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rag-review-inbox-'));
    inboxDir = join(dir, 'inbox');
    blobs = new FlakyBlobStore(join(dir, 'blobs'));
    warnings.length = 0;
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

  it('copies a file into the bucket on a later rescan when copying it failed once', async () => {
    // Arrange
    mkdirSync(join(inboxDir, 'acme'), { recursive: true });
    watcher = await startInboxWatcher({
      inboxDir,
      blobs,
      bucket: 'local',
      notify: () => undefined,
      rescanMs: 60_000,
      settleMs: 10,
      warn: (message) => warnings.push(message),
    });
    blobs.failNextPut = true;
    writeFileSync(join(inboxDir, 'acme', 'guide.md'), '# Guide\n\nHow to start.\n');
    await watcher.rescan(); // seen, not settled yet
    await pause(50);
    await watcher.rescan(); // settled (by now, or by the settle timer): the copy fails

    // Act: the backstop rescans that follow
    for (let scan = 0; scan < 3; scan += 1) {
      await pause(30);
      await watcher.rescan();
    }

    // Assert
    expect(warnings.join('\n')).toContain('ENOSPC');
    expect(await blobs.list('tenants/acme/inbox/')).toEqual(['tenants/acme/inbox/guide.md']);
  });
});
