import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** `global.gc` when vitest runs with `--expose-gc`, else the same function fetched from V8. */
const collectGarbage = (): (() => void) => {
  if (globalThis.gc) return globalThis.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
};

/**
 * Heap in use once timers have fired and full collections have run: what a memory check
 * compares before and after its load.
 *
 * @example
 * const before = await settledHeap();
 */
export const settledHeap = async (): Promise<number> => {
  const gc = collectGarbage();
  for (let round = 0; round < 3; round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    gc();
  }
  return process.memoryUsage().heapUsed;
};
