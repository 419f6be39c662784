import { mkdir, open, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readNdjson } from './ndjson-file.js';

interface PendingAppend {
  lines: string;
  done: (error?: unknown) => void;
}

/**
 * A durable append-only log of JSON records, one per line: {@link append} resolves only once
 * its records are on disk (written and `fdatasync`ed). Appends that arrive while a write is in
 * progress are committed together by the next write (group commit), so many concurrent
 * writers cost few syncs. A crash can only lose appends whose promise had not resolved; a
 * line torn by it is skipped when the log is read back, and the next write starts after it.
 *
 * @example
 * const log = new AppendLog('.data/vectors.log');
 * await log.append([{ op: 'upsert', points }]); // on disk now
 * for (const entry of await log.read()) replay(entry);
 */
export class AppendLog {
  readonly #path: string;
  #queue: PendingAppend[] = [];
  #writing: Promise<void> | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  /** Appends records and resolves once they are durable; rejects when the write fails. */
  append(records: readonly unknown[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const lines = `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;
    return new Promise((resolve, reject) => {
      this.#queue.push({ lines, done: (error) => (error ? reject(error) : resolve()) });
      this.#writing ??= this.#drain();
    });
  }

  /** Every record in the log, in order (`[]` when there is none yet). */
  read(): Promise<unknown[]> {
    return readNdjson(this.#path);
  }

  /** The log's size on disk, in bytes. */
  async size(): Promise<number> {
    try {
      return (await stat(this.#path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
  }

  /**
   * Runs `work` with no append being written meanwhile, then empties the log: for compaction,
   * once `work` has made everything the log holds durable elsewhere. Appends made during
   * `work` wait and land in the emptied log.
   */
  async checkpoint(work: () => Promise<void>): Promise<void> {
    // Another write may start between `idle()` settling and this continuation: wait it out too.
    do await this.idle();
    while (this.#writing);
    const gate = (async () => {
      await work();
      await truncate(this.#path).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      });
    })();
    this.#writing = gate.then(
      () => this.#drain(),
      () => this.#drain(),
    );
    await gate;
  }

  /** Resolves once every append made so far is durable (or has failed). */
  async idle(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        try {
          await mkdir(dirname(this.#path), { recursive: true });
          const file = await open(this.#path, 'a');
          try {
            // Each write starts on a line of its own: after a torn line (a crash, a write that
            // failed part-way) the next records would otherwise extend it, and be skipped with
            // it when the log is read back. The empty line this leaves otherwise is skipped too.
            await file.write(`\n${batch.map((entry) => entry.lines).join('')}`);
            await file.datasync();
          } finally {
            await file.close();
          }
          for (const entry of batch) entry.done();
        } catch (error) {
          for (const entry of batch) entry.done(error);
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }
}
