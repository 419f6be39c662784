import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const keys = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });

describe('npm run keys', () => {
  it('prints its usage and exits 0 for --help', () => {
    const run = keys('--help');

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: npm run keys');
  });

  it('prints its usage to stderr and exits 2 without a command', () => {
    const run = keys();

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Usage: npm run keys');
  });
});
