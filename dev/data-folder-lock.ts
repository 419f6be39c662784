import { createHash, randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalStackStartError } from './local-stack-start-error.js';

const LOCK_NAME = 'local-stack.pid';

/** The file naming the process whose local stack uses a data folder. */
export const lockFile = (dataDir: string): string => join(dataDir, LOCK_NAME);

/**
 * The file that one process at a time holds while it replaces the stale lock `staleText`. Its
 * name is the stale lock's own (a hash of it): a takeover a stopped stack left behind concerns
 * only the lock it meant to replace, never a later one.
 */
export const takeoverFile = (dataDir: string, staleText: string): string =>
  `${lockFile(dataDir)}.takeover-${createHash('sha256').update(staleText).digest('hex').slice(0, 16)}`;

/** The file operations the lock uses (tests interleave two claims through them). */
export type LockFileSystem = Pick<
  typeof nodeFs,
  'writeFile' | 'readFile' | 'link' | 'rename' | 'rm' | 'stat' | 'utimes' | 'readdir'
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
/** Takeovers left behind by stopped stacks that one claim goes past (each took a crash). */
const MAX_LEFT_TAKEOVERS = 16;

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

/** Whether a lock, takeover or claim file is one no running stack holds any more. */
const isAbandoned = (holder: Holder, staleAfterMs: number): boolean =>
  !isRunning(holder.pid) || Date.now() - holder.renewedAtMs >= staleAfterMs;

const inUse = (dataDir: string, pid: number) =>
  new LocalStackStartError(
    `The data folder ${dataDir} is in use by another local stack (process ${pid}${pid === process.pid ? ', this one' : ''}). Stop it, or give this one its own folder and ports: DATA_DIR=${dataDir}-2 PORT=4100 STREAM_PORT=4101 BLOB_PORT=4102 npm run dev`,
  );

/**
 * Replaces the stale lock `staleText` with `claimFile`, unless another process took it over (or
 * it was released and claimed again) since it was read: the takeover file lets one process at a
 * time compare and replace, and the rename replaces the lock in one step, so the lock file never
 * disappears for a fresh claim to slip in. A takeover file left by a stack that stopped (its
 * process gone, or the file older than `staleAfterMs`: a takeover takes milliseconds) is itself
 * stale: the takeover then goes through the file named after the lock and that leftover, which
 * again one process at a time holds (a leftover is never removed here: two processes could each
 * remove one and both go on).
 */
const takeOver = async (
  fs: LockFileSystem,
  dataDir: string,
  staleText: string,
  claimFile: string,
  staleAfterMs: number,
): Promise<boolean> => {
  const file = lockFile(dataDir);
  let key = staleText;
  for (let depth = 0; depth < MAX_LEFT_TAKEOVERS; depth += 1) {
    const takeover = takeoverFile(dataDir, key);
    if (!(await linked(fs, claimFile, takeover))) {
      const taker = await readHolder(fs, takeover);
      if (taker && !isAbandoned(taker, staleAfterMs)) return false;
      // Gone since it was seen (its takeover done): the lock is read again.
      if (!taker) return false;
      key = `${key}${taker.text}`;
      continue;
    }
    try {
      if ((await readHolder(fs, file))?.text !== staleText) return false;
      await fs.rename(claimFile, file);
      return true;
    } finally {
      await fs.rm(takeover, { force: true });
    }
  }
  throw new LocalStackStartError(
    `Could not claim the data folder ${dataDir}: ${MAX_LEFT_TAKEOVERS} stacks stopped while taking it over; remove ${file}.takeover-* and start again`,
  );
};

/** The name of a takeover file ({@link takeoverFile}) or of a claim file, beside the lock. */
const LEFTOVER_NAME = /^local-stack\.pid\.(?:takeover-[0-9a-f]{16}|[0-9a-f]{32}\.claim)$/;

/**
 * Removes the takeover and claim files that stopped stacks left beside the lock (see
 * {@link isAbandoned}); those of a stack starting at the same moment stay. Called with the lock
 * held: no leftover can matter any more, since each concerns a lock that is no longer there.
 */
const removeLeftovers = async (fs: LockFileSystem, dataDir: string, staleAfterMs: number) => {
  for (const name of await fs.readdir(dataDir)) {
    if (!LEFTOVER_NAME.test(name)) continue;
    const path = join(dataDir, name);
    const holder = await readHolder(fs, path);
    if (holder && isAbandoned(holder, staleAfterMs)) await fs.rm(path, { force: true });
  }
};

/**
 * Claims the data folder for this process, before its database opens: a second local stack on
 * the same folder would otherwise die later with dynalite's "Database is closed" (LevelDB's lock
 * is held). The lock names this process and a random token and appears complete at once (a
 * claim file linked into place); while held, its time is renewed every `heartbeatMs`. A lock
 * whose process is gone (killed, crashed) or that was not renewed for `staleAfterMs` (its pid
 * now another process's) is taken over, by exactly one of the stacks starting at once; so is
 * one whose takeover a stack left unfinished (it stopped mid-way). Once the folder is held, the
 * takeover and claim files stopped stacks left beside the lock are removed.
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
        if (!isAbandoned(holder, staleAfterMs)) throw inUse(dataDir, holder.pid);
        if (await takeOver(fs, dataDir, holder.text, claimFile, staleAfterMs)) break;
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
  // Housekeeping: a leftover that cannot be removed now is removed by a later start.
  await removeLeftovers(fs, dataDir, staleAfterMs).catch(() => {});
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
