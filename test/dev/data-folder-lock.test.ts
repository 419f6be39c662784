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

  it('starts when a stack stopped in the middle of a takeover, before replacing the lock', async () => {
    const stale = `${goneProcess()} 0123456789abcdef0123456789abcdef\n`;
    writeFileSync(lockFile(dataDir), stale);
    writeFileSync(
      takeoverFile(dataDir, stale),
      `${goneProcess()} fedcba9876543210fedcba9876543210\n`,
    );

    const lock = await lockDataFolder(dataDir);

    expect(readFileSync(lockFile(dataDir), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await lock.release();
  });

  it('starts when a stack stopped after replacing the lock, before letting go of the takeover', async () => {
    const taker = `${goneProcess()} fedcba9876543210fedcba9876543210\n`;
    writeFileSync(lockFile(dataDir), taker);
    writeFileSync(takeoverFile(dataDir, `${goneProcess()}\n`), taker);

    const lock = await lockDataFolder(dataDir);

    expect(readFileSync(lockFile(dataDir), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await lock.release();
  });

  it('starts when a takeover was left long ago by a process whose pid now runs (a reused pid)', async () => {
    const stale = `${goneProcess()} 0123456789abcdef0123456789abcdef\n`;
    writeFileSync(lockFile(dataDir), stale);
    const takeover = takeoverFile(dataDir, stale);
    writeFileSync(takeover, `${process.ppid} fedcba9876543210fedcba9876543210\n`);
    const longAgo = new Date(Date.now() - 10 * 60_000);
    utimesSync(takeover, longAgo, longAgo);

    const lock = await lockDataFolder(dataDir);

    expect(readFileSync(lockFile(dataDir), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await lock.release();
  });

  it('lets exactly one of two stacks starting at once take over a lock whose takeover was left', async () => {
    const stale = `${goneProcess()} 0123456789abcdef0123456789abcdef\n`;
    writeFileSync(lockFile(dataDir), stale);
    const takeover = takeoverFile(dataDir, stale);
    writeFileSync(takeover, `${goneProcess()} fedcba9876543210fedcba9876543210\n`);
    const fs = readsMeetingAt(takeover, 2);

    const claims = await Promise.allSettled([
      lockDataFolder(dataDir, { fs }),
      lockDataFolder(dataDir, { fs }),
    ]);

    const won = claims.filter((claim) => claim.status === 'fulfilled');
    const lost = claims.filter((claim) => claim.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(String(lost[0]?.reason)).toMatch(/in use by another local stack/);
    await won[0]?.value.release();
  });

  it('removes the takeover and claim files stopped stacks left, once it holds the folder', async () => {
    const stale = `${goneProcess()} 0123456789abcdef0123456789abcdef\n`;
    writeFileSync(takeoverFile(dataDir, stale), stale);
    writeFileSync(
      `${lockFile(dataDir)}.fedcba9876543210fedcba9876543210.claim`,
      `${goneProcess()} fedcba9876543210fedcba9876543210\n`,
    );

    const lock = await lockDataFolder(dataDir);
    const left = readdirSync(dataDir);

    expect(left).toEqual(['local-stack.pid']);
    await lock.release();
  });

  it('keeps the claim file of a stack starting at the same time', async () => {
    const claim = `${lockFile(dataDir)}.fedcba9876543210fedcba9876543210.claim`;
    writeFileSync(claim, `${process.ppid} fedcba9876543210fedcba9876543210\n`);

    const lock = await lockDataFolder(dataDir);

    expect(existsSync(claim)).toBe(true);
    await lock.release();
  });

  it('leaves a lock another stack took over when released', async () => {
    const first = await lockDataFolder(dataDir);
    writeFileSync(lockFile(dataDir), `${process.pid} 0123456789abcdef0123456789abcdef\n`);

    await first.release();

    expect(existsSync(lockFile(dataDir))).toBe(true);
  });
});
