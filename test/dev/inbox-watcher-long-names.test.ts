import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InboxWatcher } from '../../dev/inbox-watcher.js';
import { FilesystemBlobStore } from '../../lambdas/adapters/local/filesystem-blob-store.js';
import { useInboxWatcher } from './support/inbox-watcher-fixture.js';

/** A file name of 255 characters: as long as a Linux or macOS folder holds. */
const LONGEST_NAME = `${'quarterly-handbook-'.repeat(14).slice(0, 252)}.md`;

describe('the local drop-folder watcher', () => {
  const inbox = useInboxWatcher((root) => new FilesystemBlobStore(root));

  const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));
  const settle = async (active: InboxWatcher) => {
    for (let scan = 0; scan < 3; scan += 1) {
      await active.rescan();
      await pause(30);
    }
  };

  it('keeps the folder in sync, naming the file once, when a file name is too long for the local bucket', async () => {
    // Arrange: old.md is copied, then removed while a file of the longest name arrives
    const { inboxDir, blobs, warnings } = inbox;
    mkdirSync(join(inboxDir, 'acme'), { recursive: true });
    writeFileSync(join(inboxDir, 'acme', 'old.md'), '# Old\n\nTo be removed.\n');
    const watcher = await inbox.start();
    await settle(watcher);
    unlinkSync(join(inboxDir, 'acme', 'old.md'));
    writeFileSync(join(inboxDir, 'acme', LONGEST_NAME), '# Long\n\nA long name.\n');

    // Act
    await settle(watcher);

    // Assert
    expect(await blobs.list('tenants/acme/inbox/')).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining(`${LONGEST_NAME} (`)]);
    expect(warnings[0]).toContain('250');
  });
});
