import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nice value background threads of the local stack run at (0 is normal, 19 the lowest). */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the scheduling priority of the calling thread only (not the process), so background
 * work such as indexing yields the cores to the thread serving requests. On AWS each function
 * has its own sandbox; on one laptop this is how a background indexer keeps the API's latency.
 * Node exposes no thread id, so it is read from `/proc/thread-self` (Linux, where
 * `setpriority` on a thread id applies to that thread); elsewhere this does nothing.
 *
 * @returns whether the priority was lowered.
 * @example
 * // first line of a worker thread's entry point
 * lowerThreadPriority();
 */
export const lowerThreadPriority = (nice: number = BACKGROUND_NICE): boolean => {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (!Number.isInteger(threadId)) return false;
    setPriority(threadId, nice);
    return true;
  } catch {
    return false;
  }
};
