import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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

/**
 * Replaces a file atomically with one JSON line per value: writes a temporary file beside it,
 * then renames it over the old one, so a crash leaves either the old or the new content.
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
  // Serialising many thousand points takes a while: yield every few ms to requests.
  const slicer = new TimeSlicer();
  for (const value of values) {
    lines.push(JSON.stringify(value));
    await slicer.pause();
  }
  writes += 1;
  const temporary = `${path}.${process.pid}.${writes}.tmp`;
  await writeFile(temporary, lines.length > 0 ? `${lines.join('\n')}\n` : '', 'utf8');
  await rename(temporary, path);
};
