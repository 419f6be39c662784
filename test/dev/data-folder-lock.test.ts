import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type LockFileSystem,
  lockDataFolder,
  lockFile,
  takeoverFile,
} from '../../dev/data-folder-lock.js';

/** A process id no process has (a process that ran and exited). */
const goneProcess = () => spawnSync(process.execPath, ['-e', '']).pid;

/**
 * The file system, except that a read of `file` waits until `parties` reads of it have been
 * made: every claimer has then seen the same lock before any of them acts on it.
 */
const readsMeetingAt = (file: string, parties: number): LockFileSystem => {
  const waiting: (() => void)[] = [];
  const readFile = (async (path: string, encoding: BufferEncoding) => {
    const text = await nodeFs.readFile(path, encoding);
    if (path === file && waiting.length < parties) {
      await new Promise<void>((met) => {
        waiting.push(met);
        if (waiting.length === parties) for (const release of waiting) release();
      });
    }
    return text;
  }) as LockFileSystem['readFile'];
  return { ...nodeFs, readFile };
};

describe('lockDataFolder', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'data-folder-lock-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('claims a free folder with this process id, and release leaves no file behind', async () => {
    const lock = await lockDataFolder(dataDir);
    const claimed = readFileSync(lockFile(dataDir), 'utf8');

    await lock.release();

    expect(claimed).toMatch(new RegExp(`^${process.pid} [0-9a-f]{32}\\n$`));
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('refuses a folder held by a running stack, naming its process', async () => {
    const first = await lockDataFolder(dataDir);

    const second = lockDataFolder(dataDir);

    await expect(second).rejects.toThrow(
      new RegExp(`in use by another local stack \\(process ${process.pid}, this one\\)`),
    );
    await first.release();
  });

  it('takes over a lock whose process is gone', async () => {
    writeFileSync(lockFile(dataDir), `${goneProcess()}\n`);

    const lock = await lockDataFolder(dataDir);

    expect(readFileSync(lockFile(dataDir), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await lock.release();
  });

  it('takes over a lock not renewed for a long time though its pid runs (a reused pid)', async () => {
    writeFileSync(lockFile(dataDir), `${process.ppid}\n`);
    const longAgo = new Date(Date.now() - 10 * 60_000);
    utimesSync(lockFile(dataDir), longAgo, longAgo);

    const lock = await lockDataFolder(dataDir);

    expect(readFileSync(lockFile(dataDir), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await lock.release();
  });

  it('renews a held lock, so it never passes for one left by a reused pid', async () => {
    const first = await lockDataFolder(dataDir, { heartbeatMs: 20, staleAfterMs: 200 });
    await sleep(400);

    const second = lockDataFolder(dataDir, { staleAfterMs: 200 });

    await expect(second).rejects.toThrow(/in use by another local stack/);
    await first.release();
  });

  it('lets exactly one of two stacks starting at once take over one stale lock', async () => {
    writeFileSync(lockFile(dataDir), `${goneProcess()}\n`);
    const fs = readsMeetingAt(lockFile(dataDir), 2);

    const claims = await Promise.allSettled([
      lockDataFolder(dataDir, { fs }),
      lockDataFolder(dataDir, { fs }),
    ]);

    const won = claims.filter((claim) => claim.status === 'fulfilled');
    const lost = claims.filter((claim) => claim.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(String(lost[0]?.reason)).toMatch(/in use by another local stack/);
    await won[0]?.value.release();
    expect(existsSync(lockFile(dataDir))).toBe(false);
  });

  it('names the file to remove when a stack stopped in the middle of a takeover', async () => {
    writeFileSync(lockFile(dataDir), `${goneProcess()}\n`);
    writeFileSync(takeoverFile(dataDir), `${goneProcess()} 0123456789abcdef0123456789abcdef\n`);

    const claim = lockDataFolder(dataDir);

    await expect(claim).rejects.toThrow(
      `stopped while taking over the data folder ${dataDir}: remove ${takeoverFile(dataDir)}`,
    );
  });

  it('leaves a lock another stack took over when released', async () => {
    const first = await lockDataFolder(dataDir);
    writeFileSync(lockFile(dataDir), `${process.pid} 0123456789abcdef0123456789abcdef\n`);

    await first.release();

    expect(existsSync(lockFile(dataDir))).toBe(true);
  });
});
