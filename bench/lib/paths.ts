import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The project root (`/work/main`), with a trailing slash. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Scratch space of the benchmark: bundles, transpiled code, data folders (git-ignored). */
export const WORK_DIR = fileURLToPath(new URL('../.work/', import.meta.url));

/** Where a full run writes its machine-readable results: the figures the README quotes. */
export const RESULTS_FILE = fileURLToPath(new URL('../results.json', import.meta.url));

/** Where a partial run (`--only`, `--quick`) writes them instead (git-ignored). */
export const PARTIAL_RESULTS_FILE = fileURLToPath(
  new URL('../results.partial.json', import.meta.url),
);

/**
 * The results file of a run: {@link RESULTS_FILE} for a full one, {@link PARTIAL_RESULTS_FILE}
 * for `--only` or `--quick`, so that a partial run never replaces the committed figures of a
 * full one.
 *
 * @example
 * resultsFileOf({ only: '1,7', quick: false }); // …/bench/results.partial.json
 */
export const resultsFileOf = (run: { only?: string | undefined; quick: boolean }): string =>
  run.only !== undefined || run.quick ? PARTIAL_RESULTS_FILE : RESULTS_FILE;

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
