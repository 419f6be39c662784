import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TimeSlicer } from '../../core/text/work-steps.js';

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
  await rename(temporary, path);
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
};
