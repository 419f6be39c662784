import { cleanEnv, parseChildResult, RESULT_MARKER, runNode } from '../lib/child-process.js';

/** What one fresh process reported after importing a handler module. */
export interface ImportSample {
  /** Time of the `import()` itself, in ms. */
  importMs: number;
  /** From the process's time origin to the end of the import, in ms. */
  sinceStartMs: number;
}

/**
 * The script each fresh process runs: it imports the module named by `BENCH_IMPORT`, checks
 * that it exports `handler` and `createHandler`, and prints the timings.
 */
const PROBE = `
const { pathToFileURL } = await import('node:url');
const started = performance.now();
const module = await import(pathToFileURL(process.env.BENCH_IMPORT).href);
const imported = performance.now();
if (typeof module.handler !== 'function' || typeof module.createHandler !== 'function') {
  throw new Error('the module does not export handler and createHandler');
}
console.log(${JSON.stringify(RESULT_MARKER)} + JSON.stringify({ importMs: imported - started, sinceStartMs: imported }));
`;

const isSample = (value: unknown): value is ImportSample =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Record<string, unknown>).importMs === 'number' &&
  typeof (value as Record<string, unknown>).sinceStartMs === 'number';

/**
 * Imports `file` in a fresh Node 24 process (the project's `node`), with `flags` before the
 * script (e.g. `--enable-source-maps`, as the deployed functions run), and returns the time the
 * import took. The environment holds only PATH and HOME: no `AWS_LAMBDA_RUNTIME_API`, so
 * `deferredHandler` does not compose at import time and what is measured is the module load.
 *
 * @example
 * const { importMs } = await importInFreshProcess('bench/.work/bundles/chat-api/index.mjs');
 */
export const importInFreshProcess = async (
  file: string,
  flags: readonly string[] = [],
): Promise<ImportSample> => {
  const { stdout } = await runNode([...flags, '--input-type=module', '-e', PROBE], {
    env: cleanEnv({ BENCH_IMPORT: file }),
    timeoutMs: 60_000,
  });
  const result = parseChildResult(stdout);
  if (!isSample(result)) throw new Error(`unexpected probe output: ${stdout}`);
  return result;
};
