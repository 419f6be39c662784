import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockFile } from '../../dev/data-folder-lock.js';
import { localEndpointFile } from '../../dev/local-paths.js';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

describe('starting a second local stack', () => {
  let first: LocalStack;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'stack-conflicts-'));
    first = await startLocalStack({
      port: 0,
      streamPort: 0,
      dataDir: join(root, 'first'),
      logLevel: 'SILENT',
    });
  });
  afterAll(async () => {
    await first.close();
    rmSync(root, { recursive: true, force: true });
  });

  const portOf = (url: string) => Number(new URL(url).port);

  it('on the same data folder says which process holds it, and leaves the first one running', async () => {
    const second = startLocalStack({
      port: 0,
      streamPort: 0,
      dataDir: first.dataDir,
      logLevel: 'SILENT',
    });

    await expect(second).rejects.toThrow(
      /data folder .* is in use by another local stack \(process \d+.*DATA_DIR=/,
    );
    expect((await fetch(`${first.apiUrl}/health?deep=true`)).status).toBe(200);
    expect(existsSync(localEndpointFile(first.dataDir))).toBe(true);
  });

  it('on a port in use names the port and the variable to change, and leaves nothing behind', async () => {
    const dataDir = join(root, 'port-clash');

    const second = startLocalStack({
      port: portOf(first.apiUrl),
      streamPort: 0,
      dataDir,
      logLevel: 'SILENT',
    });

    await expect(second).rejects.toThrow(/Port \d+ \(PORT\) is in use .*PORT=\d+ npm run dev/);
    expect(existsSync(localEndpointFile(dataDir))).toBe(false);
    expect(existsSync(lockFile(dataDir))).toBe(false);
  });

  it('takes over a data folder whose previous stack is gone', async () => {
    const dataDir = join(root, 'abandoned');
    mkdirSync(dataDir, { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(lockFile(dataDir), `${gone}\n`);

    const stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'SILENT' });
    await stack.close();

    expect(existsSync(lockFile(dataDir))).toBe(false);
  });

  it('removes the temporary upload its previous stack stopped writing long ago', async () => {
    const dataDir = join(root, 'half-written');
    const leftover = join(dataDir, 'blobs/tenants/local/.tmp-0b4e6a52-3c1d-4e8f-9a7b-2d5c8e1f0a36');
    mkdirSync(dirname(leftover), { recursive: true });
    writeFileSync(leftover, 'partial');
    const longAgo = new Date(Date.now() - 60 * 60_000);
    utimesSync(leftover, longAgo, longAgo);

    const stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'SILENT' });
    await stack.close();

    expect(existsSync(leftover)).toBe(false);
  });

  it('names a setting that is wrong instead of failing with its validation report', async () => {
    const start = startLocalStack({
      port: 0,
      streamPort: 0,
      dataDir: join(root, 'bad-setting'),
      logLevel: 'SILENT',
      env: { RESUMABLE_STREAMS: 'yes' },
    });

    await expect(start).rejects.toThrow(/^Invalid settings: RESUMABLE_STREAMS: /);
    expect(existsSync(lockFile(join(root, 'bad-setting')))).toBe(false);
  });

  it('keeps its own defaults for a variable set to nothing (KEY= in .env)', async () => {
    const stack = await startLocalStack({
      port: 0,
      streamPort: 0,
      dataDir: join(root, 'blank-setting'),
      logLevel: 'SILENT',
      env: { TENANT_REQUESTS_PER_MINUTE: '' },
    });
    try {
      const reply = await fetch(`${stack.apiUrl}/v1/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Hello?' }),
      });

      // The local stack's generous limit, not the functions' default of 120.
      expect(reply.headers.get('ratelimit-policy')).toContain('q=100000');
    } finally {
      await stack.close();
    }
  });

  it('names a data folder it cannot use', async () => {
    const start = startLocalStack({ port: 0, streamPort: 0, dataDir: '/dev/null/data' });

    await expect(start).rejects.toThrow(/^Cannot use \/dev\/null\/data as the data folder/);
  });

  it('names a port variable that is not a port', async () => {
    const start = startLocalStack({
      port: Number('abc'),
      streamPort: 0,
      dataDir: join(root, 'bad-port'),
    });

    await expect(start).rejects.toThrow(/^PORT must be a port number/);
  });

  it('makes npm run dev print one line and exit 1 when its port is taken', async () => {
    const failure = await run(join(ROOT, 'node_modules/.bin/tsx'), ['dev/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(portOf(first.apiUrl)),
        STREAM_PORT: '0',
        DATA_DIR: join(root, 'npm-run-dev'),
      },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure.code).toBe(1);
    expect(failure.stderr.trim()).toMatch(/^npm run dev: Port \d+ \(PORT\) is in use/);
    // One try: every port moved at once.
    expect(failure.stderr).toMatch(/PORT=\d+ STREAM_PORT=0 BLOB_PORT=\d+ npm run dev/);
    expect(failure.stderr).not.toMatch(/\n\s+at /);
  });
});
