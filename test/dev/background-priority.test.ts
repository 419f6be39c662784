import { existsSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

const niceOfThisThread = () =>
  Number(readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]!.split(' ')[16]);

const runWorker = () =>
  new Promise<{ lowered: boolean; nice: number }>((resolve, reject) => {
    const worker = new Worker(new URL('./support/lowered-priority-worker.ts', import.meta.url), {
      execArgv: ['--import', 'tsx'],
    });
    worker.once('message', (message) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
  });

// Linux only; a machine already running the tests at a lowered priority could not go back to 0.
describe.runIf(existsSync('/proc/thread-self') && getPriority() === 0)(
  'lowerThreadPriority',
  () => {
    it('lowers the nice value of the calling thread', async () => {
      const result = await runWorker();

      expect(result).toEqual({ lowered: true, nice: 7 });
    });

    it("leaves the other threads' priority as it was", async () => {
      const before = niceOfThisThread();

      await runWorker();

      expect(niceOfThisThread()).toBe(before);
    });
  },
);
