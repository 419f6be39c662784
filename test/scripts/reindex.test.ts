import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const reindex = (...args: string[]) => reindexWith({}, ...args);

const reindexWith = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/reindex.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

describe('npm run reindex', () => {
  it('names an unknown option, prints its usage and exits 2', () => {
    const run = reindex('--tenat', 'acme');

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--tenat'");
    expect(run.stderr).toContain('Usage: npm run reindex');
  });

  it('refuses a tenant name that is not one and exits 2', () => {
    const run = reindex('--tenant', 'acme/inbox');

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('A tenant name is 1–63 letters');
  });

  it('asks for the bucket of a deployed stack, whose failed versions it checks, and exits 2', () => {
    const run = reindexWith({
      QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/index-jobs',
      TABLE_NAME: 'rag-api',
      BUCKET_NAME: '',
    });

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('BUCKET_NAME is not set');
  });
});
