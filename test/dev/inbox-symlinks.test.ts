import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type InboxWatcher, startInboxWatcher } from '../../dev/inbox-watcher.js';
import { FilesystemBlobStore } from '../../lambdas/adapters/local/filesystem-blob-store.js';

describe('the drop folder DATA_DIR/inbox/<tenant>/ and symbolic links', () => {
  let dir: string;
  let inboxDir: string;
  let blobs: FilesystemBlobStore;
  let watcher: InboxWatcher | undefined;
  const warnings: string[] = [];
  const notified: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rag-test-inbox-'));
    inboxDir = join(dir, 'inbox');
    blobs = new FilesystemBlobStore(join(dir, 'blobs'));
    warnings.length = 0;
    notified.length = 0;
  });
  afterEach(async () => {
    await watcher?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = () =>
    startInboxWatcher({
      inboxDir,
      blobs,
      bucket: 'local',
      notify: (body) => notified.push(body),
      rescanMs: 60_000,
      settleMs: 10,
      warn: (message) => warnings.push(message),
    });

  const settle = async (inbox: InboxWatcher) => {
    // A new file is taken once it has stayed the same between two scans.
    await inbox.rescan();
    await new Promise((done) => setTimeout(done, 50));
    await inbox.rescan();
  };

  it('ingests a file linked into a tenant folder, or says why it does not', async () => {
    // Arrange: the newcomer links their notes into the drop folder instead of copying them
    const notes = join(dir, 'notes');
    mkdirSync(notes);
    writeFileSync(join(notes, 'guide.md'), '# Guide\n\nHow to start.\n');
    mkdirSync(join(inboxDir, 'acme'), { recursive: true });
    symlinkSync(join(notes, 'guide.md'), join(inboxDir, 'acme', 'guide.md'));

    // Act
    watcher = await start();
    await settle(watcher);

    // Assert
    const ingested = await blobs.list('tenants/acme/inbox/');
    expect({ ingested, warned: warnings.some((w) => w.includes('guide.md')) }).not.toEqual({
      ingested: [],
      warned: false,
    });
  });

  it('ingests a folder linked as a tenant folder, or says why it does not', async () => {
    // Arrange
    const notes = join(dir, 'notes');
    mkdirSync(notes);
    writeFileSync(join(notes, 'guide.md'), '# Guide\n\nHow to start.\n');
    mkdirSync(inboxDir, { recursive: true });
    symlinkSync(notes, join(inboxDir, 'acme'));

    // Act
    watcher = await start();
    await settle(watcher);

    // Assert
    const ingested = await blobs.list('tenants/acme/inbox/');
    expect({ ingested, warned: warnings.some((w) => w.includes('acme')) }).not.toEqual({
      ingested: [],
      warned: false,
    });
  });
});
