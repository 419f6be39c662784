import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/** Starts `npm run dev` (dev/main.ts under tsx) and resolves once it has printed its URLs. */
const startDev = (env: Record<string, string>) =>
  new Promise<{ child: ChildProcess; apiUrl: string; apiKey: string; output: () => string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'dev/main.ts'], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const ready = /export API_URL=(\S+) STREAM_URL=\S+ API_KEY=(\S+)/.exec(output);
        if (ready) resolve({ child, apiUrl: ready[1]!, apiKey: ready[2]!, output: () => output });
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`npm run dev exited ${code}: ${output}`)));
    },
  );

const exited = (child: ChildProcess, withinMs: number) =>
  new Promise<boolean>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), withinMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

describe('stopping npm run dev while a document is being indexed', () => {
  let dir: string;
  let model: Server;
  let dev: ChildProcess | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rag-test-shutdown-'));
    // An OpenAI-compatible server that accepts every request and never answers (a stuck Ollama).
    model = createServer(() => undefined);
    await new Promise<void>((done) => model.listen(0, '127.0.0.1', done));
  });
  afterEach(async () => {
    dev?.kill('SIGKILL');
    model.closeAllConnections();
    await new Promise<void>((done) => model.close(() => done()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits promptly on Ctrl-C, or at the latest on a second Ctrl-C', async () => {
    // Arrange
    const { port } = model.address() as AddressInfo;
    const started = await startDev({
      DATA_DIR: join(dir, 'data'),
      PORT: '0',
      STREAM_PORT: '0',
      BLOB_PORT: '0',
      OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
      OPENAI_API_KEY: 'sk-test',
      EMBEDDING_DIMENSIONS: '8',
      LOG_LEVEL: 'WARN',
    });
    dev = started.child;
    const upload = await fetch(`${started.apiUrl}/v1/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${started.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Guide', text: '# Guide\n\nHow to start.' }),
    });
    expect(upload.status).toBe(202);
    await new Promise((done) => setTimeout(done, 1_500)); // the indexer now waits for the model

    // Act: Ctrl-C, and Ctrl-C again a second later
    dev.kill('SIGINT');
    const stoppedOnFirst = await exited(dev, 1_000);
    if (!stoppedOnFirst) dev.kill('SIGINT');
    const stopped = stoppedOnFirst || (await exited(dev, 5_000));

    // Assert
    expect(stopped).toBe(true);
  }, 60_000);
});
