import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalStackStartError } from './local-stack-start-error.js';

/** The file naming the process whose local stack uses a data folder. */
export const lockFile = (dataDir: string): string => join(dataDir, 'local-stack.pid');

/** The file that one process at a time holds while it takes over a stale lock. */
export const takeoverFile = (dataDir: string): string => `${lockFile(dataDir)}.takeover`;

/** The file operations the lock uses (tests interleave two claims through them). */
export type LockFileSystem = Pick<
  typeof nodeFs,
  'writeFile' | 'readFile' | 'link' | 'rename' | 'rm' | 'stat' | 'utimes'
>;

/** Options of {@link lockDataFolder}. */
export interface LockDataFolderOptions {
  fs?: LockFileSystem;
  /** How often a held lock's time is renewed, in ms (default 10 s). */
  heartbeatMs?: number;
  /**
   * A lock not renewed for this long is stale even though a process has its pid (the pid was
   * reused after a crash or a reboot), in ms (default 60 s).
   */
  staleAfterMs?: number;
}

/** A claimed data folder. */
export interface DataFolderLock {
  /** Gives the folder up (a lock another stack took over meanwhile stays). */
  release(): Promise<void>;
}

const CLAIM_ATTEMPTS = 50;
const CLAIM_RETRY_MS = 20;

const isRunning = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** Links `from` at `to`, or says `to` exists already: atomic, and `to` appears complete. */
const linked = async (fs: LockFileSystem, from: string, to: string): Promise<boolean> => {
  try {
    await fs.link(from, to);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    throw error;
  }
};

/** A lock file as read: its text (`<pid> <token>`, or `<pid>` as older stacks wrote it). */
interface Holder {
  text: string;
  pid: number;
  renewedAtMs: number;
}

const readHolder = async (fs: LockFileSystem, file: string): Promise<Holder | undefined> => {
  try {
    const text = await fs.readFile(file, 'utf8');
    const { mtimeMs } = await fs.stat(file);
    return { text, pid: Number(text.trim().split(/\s+/)[0]), renewedAtMs: mtimeMs };
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
};

const inUse = (dataDir: string, pid: number) =>
  new LocalStackStartError(
    `The data folder ${dataDir} is in use by another local stack (process ${pid}${pid === process.pid ? ', this one' : ''}). Stop it, or give this one its own folder and ports: DATA_DIR=${dataDir}-2 PORT=4100 STREAM_PORT=4101 BLOB_PORT=4102 npm run dev`,
  );

/**
 * Replaces the stale lock `staleText` with `claimFile`, unless another process took it over (or
 * it was released and claimed again) since it was read: the takeover file lets one process at a
 * time compare and replace, and the rename replaces the lock in one step, so the lock file never
 * disappears for a fresh claim to slip in.
 */
const takeOver = async (
  fs: LockFileSystem,
  dataDir: string,
  staleText: string,
  claimFile: string,
): Promise<boolean> => {
  const file = lockFile(dataDir);
  const takeover = takeoverFile(dataDir);
  if (!(await linked(fs, claimFile, takeover))) {
    const taker = await readHolder(fs, takeover);
    if (taker && !isRunning(taker.pid)) {
      throw new LocalStackStartError(
        `A local stack stopped while taking over the data folder ${dataDir}: remove ${takeover} and start again`,
      );
    }
    return false;
  }
  try {
    if ((await readHolder(fs, file))?.text !== staleText) return false;
    await fs.rename(claimFile, file);
    return true;
  } finally {
    await fs.rm(takeover, { force: true });
  }
};

/**
 * Claims the data folder for this process, before its database opens: a second local stack on
 * the same folder would otherwise die later with dynalite's "Database is closed" (LevelDB's lock
 * is held). The lock names this process and a random token and appears complete at once (a
 * claim file linked into place); while held, its time is renewed every `heartbeatMs`. A lock
 * whose process is gone (killed, crashed) or that was not renewed for `staleAfterMs` (its pid
 * now another process's) is taken over, by exactly one of the stacks starting at once.
 *
 * @throws LocalStackStartError naming the process that holds the folder and how to use another.
 * @example
 * const lock = await lockDataFolder('.data'); … await lock.release();
 */
export const lockDataFolder = async (
  dataDir: string,
  options: LockDataFolderOptions = {},
): Promise<DataFolderLock> => {
  const fs = options.fs ?? nodeFs;
  const staleAfterMs = options.staleAfterMs ?? 60_000;
  const file = lockFile(dataDir);
  const token = randomBytes(16).toString('hex');
  const ownText = `${process.pid} ${token}\n`;
  const claimFile = `${file}.${token}.claim`;
  await fs.writeFile(claimFile, ownText, { flag: 'wx' });
  try {
    for (let attempt = 1; !(await linked(fs, claimFile, file)); attempt += 1) {
      const holder = await readHolder(fs, file);
      if (holder) {
        const live = isRunning(holder.pid) && Date.now() - holder.renewedAtMs < staleAfterMs;
        if (live) throw inUse(dataDir, holder.pid);
        if (await takeOver(fs, dataDir, holder.text, claimFile)) break;
      }
      if (attempt >= CLAIM_ATTEMPTS) {
        throw new LocalStackStartError(
          `Could not claim the data folder ${dataDir}: other local stacks kept starting on it`,
        );
      }
      await sleep(CLAIM_RETRY_MS);
    }
  } finally {
    await fs.rm(claimFile, { force: true });
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    fs.utimes(file, now, now).catch(() => {});
  }, options.heartbeatMs ?? 10_000);
  heartbeat.unref();
  return {
    release: async () => {
      clearInterval(heartbeat);
      if ((await readHolder(fs, file))?.text === ownText) await fs.rm(file, { force: true });
    },
  };
};
