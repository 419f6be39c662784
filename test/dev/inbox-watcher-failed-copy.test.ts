import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesystemBlobStore } from '../../lambdas/adapters/local/filesystem-blob-store.js';
import { useInboxWatcher } from './support/inbox-watcher-fixture.js';

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
  const inbox = useInboxWatcher((root) => new FlakyBlobStore(root));

  const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

  it('copies a file into the bucket on a later rescan when copying it failed once', async () => {
    // Arrange
    const { inboxDir, blobs, warnings } = inbox;
    mkdirSync(join(inboxDir, 'acme'), { recursive: true });
    const watcher = await inbox.start();
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
