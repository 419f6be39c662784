import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;

/** Runs `npm run eval` with `args`: its exit code and what it wrote to stderr. */
const evalWith = async (...args: string[]) =>
  promisify(execFile)(TSX, ['eval/run.ts', ...args], { cwd: ROOT }).then(
    () => ({ code: 0, stderr: '' }),
    (error: { code: number; stderr: string }) => error,
  );

describe('npm run eval options', () => {
  it('refuses a number option that is not a number, before ingesting anything', async () => {
    const run = await evalWith('--fusion-k', 'abc');

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--fusion-k must be a number; got "abc"');
  });

  it('refuses a ranking weight of 0 or less, which the two stores would treat apart', async () => {
    const run = await evalWith('--weights', '1,0');

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--weights must be above 0');
  });

  it('refuses an abstention rule kind other than floors or score, before ingesting anything', async () => {
    const run = await evalWith('--abstention-rule', 'forest');

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--abstention-rule must be floors or score; got "forest"');
  });

  it('refuses an option it does not know with its usage, not a stack trace', async () => {
    const run = await evalWith('--bogus');

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--bogus'[\s\S]*Usage: npm run eval/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
