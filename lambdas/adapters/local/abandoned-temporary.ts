import { stat } from 'node:fs/promises';

/**
 * How long a temporary file (of a write renamed into place once complete) goes unwritten before
 * it counts as abandoned: a write in progress writes its file from start to end in seconds at
 * most, so one untouched this long belongs to a process that stopped mid-write, whatever
 * process now has its pid.
 */
export const ABANDONED_AFTER_MS = 10 * 60_000;

/**
 * Whether the temporary file at `path` was last written {@link ABANDONED_AFTER_MS} or more
 * before `now`; false when it is gone.
 *
 * @example
 * if (await isAbandonedTemporary('.data/blobs/a/.tmp-0b4e…')) await rm('.data/blobs/a/.tmp-0b4e…');
 */
export const isAbandonedTemporary = async (path: string, now = Date.now()): Promise<boolean> => {
  try {
    return now - (await stat(path)).mtimeMs >= ABANDONED_AFTER_MS;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
};
