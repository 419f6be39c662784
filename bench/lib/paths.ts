import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The project root (`/work/main`), with a trailing slash. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Scratch space of the benchmark: bundles, transpiled code, data folders (git-ignored). */
export const WORK_DIR = fileURLToPath(new URL('../.work/', import.meta.url));

/** Where the benchmark writes its machine-readable results. */
export const RESULTS_FILE = fileURLToPath(new URL('../results.json', import.meta.url));

/**
 * The Node.js binary the functions run on: the project's pinned `node` package (v24, the Lambda
 * runtime's major), falling back to the running binary.
 */
export const NODE_BIN = ((): string => {
  const pinned = `${PROJECT_ROOT}node_modules/.bin/node`;
  return existsSync(pinned) ? realpathSync(pinned) : process.execPath;
})();

/** The tsx loader, to run TypeScript helpers in child processes (`node --import <it>`). */
export const TSX_LOADER = 'tsx';
