import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

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
  const lines: string[] = [];
  for (const value of values) lines.push(JSON.stringify(value));
  writes += 1;
  const temporary = `${path}.${process.pid}.${writes}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
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
