import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const keys = (...args: string[]) => keysIn(undefined, ...args);

const keysIn = (dataDir: string | undefined, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TABLE_NAME: '', ...(dataDir ? { DATA_DIR: dataDir } : {}) },
  });

/** The environment less DATA_DIR, which would take precedence over `.env`'s. */
const withoutDataDir = () => {
  const { DATA_DIR: _, ...rest } = process.env;
  return rest;
};

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

  it("sets a tenant's limits, keeping the ones set before", () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keys-limits-'));
    try {
      keysIn(
        dataDir,
        'limits',
        '--tenant',
        'acme',
        '--requests-per-minute',
        '120',
        '--tokens-per-day',
        '200000',
      );
      const run = keysIn(dataDir, 'limits', '--tenant', 'acme', '--concurrent-streams', '4');

      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout.slice(run.stdout.indexOf('{')))).toEqual({
        requestsPerMinute: 120,
        tokensPerDay: 200_000,
        concurrentStreams: 4,
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('works on the data folder .env names, as npm run dev does', () => {
    const project = mkdtempSync(join(tmpdir(), 'keys-env-'));
    const dataDir = join(project, 'data-from-env');
    writeFileSync(join(project, '.env'), `DATA_DIR=${dataDir}\n`);
    const tsx = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')).href;
    try {
      const run = spawnSync(
        process.execPath,
        ['--import', tsx, join(ROOT, 'scripts/keys.ts'), 'create', '--tenant', 'acme'],
        { cwd: project, encoding: 'utf8', env: { ...withoutDataDir(), TABLE_NAME: '' } },
      );

      expect(run.status).toBe(0);
      expect(existsSync(dataDir)).toBe(true);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('refuses a limit that is not a whole number and changes nothing', () => {
    const run = keys('limits', '--tenant', 'acme', '--requests-per-minute', 'lots');

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--requests-per-minute needs a whole number');
  });

  it('refuses an empty limit (an unset shell variable) instead of storing 0', () => {
    const run = keys('limits', '--tenant', 'acme', '--tokens-per-day', '');

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--tokens-per-day needs a whole number');
  });

  it('refuses a tenant name that is not one before opening any table', () => {
    const run = keys('limits', '--tenant', 'acme#DOC#x', '--requests-per-minute', '10');

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('A tenant name is 1–63 letters');
  });
});
