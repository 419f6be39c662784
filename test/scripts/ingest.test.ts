import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { freePort } from '../support/free-port.js';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

/** Runs `npm run ingest` as a user would; resolves with its exit code and output. */
const ingest = (env: Record<string, string>, ...paths: string[]) =>
  exec(process.execPath, ['--import', 'tsx', 'scripts/ingest.ts', ...paths], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    timeout: 60_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe('npm run ingest', () => {
  let stack: LocalStack;
  let dir: string;
  let corpus: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ingest-'));
    stack = await startLocalStack({
      port: 0,
      streamPort: 0,
      dataDir: join(dir, 'data'),
      logLevel: 'SILENT',
    });
    corpus = join(dir, 'corpus');
    mkdirSync(corpus);
    writeFileSync(join(corpus, 'a.md'), '# Alpha\n\nThe alpha page.\n');
    writeFileSync(join(corpus, 'b.txt'), 'The beta page.\n');
    writeFileSync(join(corpus, 'diagram.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  });
  afterAll(async () => {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names each file it skips and why, and uploads the others', async () => {
    const key = await stack.issueApiKey('skipping-tenant');

    const run = await ingest({ API_URL: stack.apiUrl, API_KEY: key }, corpus);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/skipped .*diagram\.png: \.png: not a supported type/);
    expect(run.stdout).toMatch(/2 ready, 0 failed/);
  });

  it('asks whether npm run dev is running when the API cannot be reached', async () => {
    const run = await ingest(
      { API_URL: `http://127.0.0.1:${await freePort()}`, API_KEY: 'sk-rag-x' },
      corpus,
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot reach the API at .*is `npm run dev` running\?/);
  });

  it('stops at the first 401 and says it once', async () => {
    const run = await ingest({ API_URL: stack.apiUrl, API_KEY: 'sk-rag-wrong' }, corpus);

    expect(run.code).toBe(1);
    // Counted by the message, not by "401": the API's random port may hold those digits.
    expect(run.stderr.match(/refused the key/g)).toHaveLength(1);
    expect(run.stderr).toMatch(/refused the key \(401 .*set API_KEY/);
  });

  it('reports files the API already holds as unchanged, creating no new version', async () => {
    const key = await stack.issueApiKey('repeat-tenant');
    await ingest({ API_URL: stack.apiUrl, API_KEY: key }, corpus);

    const again = await ingest({ API_URL: stack.apiUrl, API_KEY: key }, corpus);
    const listing = await fetch(`${stack.apiUrl}/v1/documents`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const { items } = (await listing.json()) as { items: { version: number }[] };

    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 ready, 0 failed, 2 unchanged/);
    expect(again.stdout).toMatch(/unchanged: a\.md/);
    expect(items.map((item) => item.version)).toEqual([1, 1]);
  });
});
