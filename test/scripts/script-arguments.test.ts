import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/** Runs a script of `package.json` as `npm run <name> -- …args` would, on a data folder of its own. */
const runScript = (script: string, dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TABLE_NAME: '', DATA_DIR: dataDir, API_URL: 'http://127.0.0.1:9' },
    timeout: 60_000,
  });

describe('a mistyped option of npm run keys or npm run ingest', () => {
  let root: string;
  let dataDir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'rag-test-args-'));
    dataDir = join(root, 'data');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it.each([
    ['keys', 'scripts/keys.ts', ['create', '--tenat', 'acme']],
    ['keys', 'scripts/keys.ts', ['create', '--tenant']],
    ['keys', 'scripts/keys.ts', ['limits', '--tenant', 'acme', '--requests-per-minute', '-1']],
    ['ingest', 'scripts/ingest.ts', ['--concurency', '2', '.']],
  ])('is reported by %s in one line, without a stack trace (%s %j)', (_, script, args) => {
    // Act
    const run = runScript(script, dataDir, ...args);

    // Assert
    expect(run.status).not.toBe(0);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('npm run keys with a wrong command', () => {
  let root: string;
  let dataDir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'rag-test-keys-'));
    dataDir = join(root, 'data');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it.each([
    ['a mistyped command', ['crate', '--tenant', 'acme']],
    ['create without --tenant', ['create']],
    ['revoke without a key id', ['revoke']],
  ])('changes nothing on disk for %s', (_, args) => {
    // Act
    const run = runScript('scripts/keys.ts', dataDir, ...args);

    // Assert
    expect(run.status).not.toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  });
});
