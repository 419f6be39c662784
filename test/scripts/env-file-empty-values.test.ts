import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')).href;

/** The environment less DATA_DIR, which would take precedence over `.env`'s. */
const withoutDataDir = () => {
  const { DATA_DIR: _, ...rest } = process.env;
  return rest;
};

describe('a .env that names a setting with no value', () => {
  let project: string;

  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'rag-test-env-'));
  });
  afterEach(() => {
    rmSync(project, { recursive: true, force: true });
  });

  it('does not make the project folder itself the data folder (DATA_DIR=)', () => {
    // Arrange: a .env copied from .env.example with DATA_DIR uncommented and cleared
    writeFileSync(join(project, '.env'), '# The local stack\nDATA_DIR=\n');

    // Act
    const run = spawnSync(
      process.execPath,
      ['--import', TSX, join(ROOT, 'scripts/keys.ts'), 'create', '--tenant', 'acme'],
      { cwd: project, encoding: 'utf8', env: { ...withoutDataDir(), TABLE_NAME: '' } },
    );

    // Assert: either the default .data, or one line saying DATA_DIR is empty; never the cwd
    expect(existsSync(join(project, 'dynamodb'))).toBe(false);
    if (run.status === 0) expect(existsSync(join(project, '.data', 'dynamodb'))).toBe(true);
    else expect(run.stderr).toMatch(/DATA_DIR/);
  });
});
