import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../../../dev/background-priority.js';

/** Field 19 of `/proc/<pid>/task/<tid>/stat`: the thread's nice value. */
const niceOf = (statPath: string) =>
  Number(readFileSync(statPath, 'utf8').split(') ')[1]!.split(' ')[16]);

const lowered = lowerThreadPriority(7);
parentPort!.postMessage({ lowered, nice: niceOf('/proc/thread-self/stat') });
