import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TimeSlicer } from '../../core/text/work-steps.js';
import { isAbandonedTemporary } from '../local/abandoned-temporary.js';

/**
 * Reads a newline-delimited JSON file: one parsed value per non-blank line, `[]` when the file
 * does not exist. A line that is not JSON (a torn write of an older format) is skipped.
 *
 * @example
 * const records = await readNdjson('.data/vectors.ndjson');
 */
export const readNdjson = async (path: string): Promise<unknown[]> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const values: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line));
    } catch {
      // skipped: see the doc comment
    }
  }
  return values;
};

let writes = 0;

/** Characters of JSON lines written to the file at a time. */
const WRITE_CHUNK_CHARS = 262_144;

/**
 * Replaces a file atomically and durably with one JSON line per value: writes a temporary file
 * beside it and syncs it to disk, renames it over the old one, then syncs the folder, so a
 * crash leaves either the old or the new content, and the new one survives once this resolves.
 *
 * @example
 * await writeNdjsonAtomically('.data/vectors.ndjson', records);
 */
export const writeNdjsonAtomically = async (
  path: string,
  values: Iterable<unknown>,
): Promise<void> => {
  await mkdir(dirname(path), { recursive: true });
  writes += 1;
  const temporary = `${path}.${process.pid}.${writes}.tmp`;
  try {
    await writeAndSync(temporary, values);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
};

const writeAndSync = async (temporary: string, values: Iterable<unknown>): Promise<void> => {
  // Many thousand points make tens of megabytes: serialised and written a slice at a time, so
  // that requests get their turn in between, rather than encoded in one go.
  const slicer = new TimeSlicer();
  const file = await open(temporary, 'w');
  try {
    let lines: string[] = [];
    let size = 0;
    for (const value of values) {
      const line = JSON.stringify(value);
      lines.push(line);
      size += line.length;
      if (size >= WRITE_CHUNK_CHARS) {
        await file.write(`${lines.join('\n')}\n`);
        lines = [];
        size = 0;
      }
      await slicer.pause();
    }
    if (lines.length > 0) await file.write(`${lines.join('\n')}\n`);
    await file.datasync();
  } finally {
    await file.close();
  }
};

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes the temporary files {@link writeNdjsonAtomically} left beside `path` in a process that
 * stopped (it crashed, or its disk filled, mid-write): each may be as large as the file itself.
 * A file is left behind when its process is gone, or when it went unwritten for
 * `ABANDONED_AFTER_MS` (10 min), however its pid runs again (after a restart, a container's
 * process often has its crashed one's pid; this one's included). A running process's write in
 * progress is younger, and stays.
 *
 * @example
 * await removeLeftoverTemporaries('.data/vectors.ndjson');
 */
export const removeLeftoverTemporaries = async (path: string): Promise<void> => {
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const prefix = `${basename(path)}.`;
  for (const name of names) {
    const pid = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length))?.[1];
    if (!name.startsWith(prefix) || pid === undefined) continue;
    const file = join(dirname(path), name);
    const gone = Number(pid) !== process.pid && !isRunning(Number(pid));
    if (gone || (await isAbandonedTemporary(file))) await rm(file, { force: true });
  }
};
