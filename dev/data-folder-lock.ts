import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStackStartError } from './local-stack-start-error.js';

/** The file naming the process whose local stack uses a data folder. */
export const lockFile = (dataDir: string): string => join(dataDir, 'local-stack.pid');

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

/**
 * Claims the data folder for this process, before its database opens: a second local stack on
 * the same folder would otherwise die later with dynalite's "Database is closed" (LevelDB's lock
 * is held). A lock left by a process that is gone (killed, crashed) is taken over.
 *
 * @throws LocalStackStartError naming the process that holds the folder and how to use another.
 * @example
 * const lock = lockDataFolder('.data'); … lock.release();
 */
export const lockDataFolder = (dataDir: string): { release(): void } => {
  const file = lockFile(dataDir);
  const claim = (flag: 'wx' | 'w') => writeFileSync(file, `${process.pid}\n`, { flag });
  try {
    claim('wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (isRunning(holder)) {
      throw new LocalStackStartError(
        `The data folder ${dataDir} is in use by another local stack (process ${holder}${holder === process.pid ? ', this one' : ''}). Stop it, or give this one its own folder and ports: DATA_DIR=${dataDir}-2 PORT=4100 STREAM_PORT=4101 BLOB_PORT=4102 npm run dev`,
      );
    }
    claim('w');
  }
  return { release: () => rmSync(file, { force: true }) };
};
