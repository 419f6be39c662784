import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { client } from '../support/local-stack-client.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

const upload = async (stack: LocalStack, apiKey: string, title: string, text: string) => {
  const api = client(stack, apiKey);
  const reply = await api.json('POST', '/v1/documents', { title, text });
  const id = (reply.body as { id: string }).id;
  await api.waitForDocument(id);
  return id;
};

describe('npm run reindex', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'reindex-'));
  });
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('re-queues every document of every tenant, or of one, and indexes them again', async () => {
    stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'SILENT' });
    const otherKey = await stack.issueApiKey('tenant-other');
    const mine = await upload(stack, stack.apiKey, 'Cookies', 'Read cookies with Cookie.');
    const theirs = await upload(stack, otherKey, 'Headers', 'Read headers with Header.');
    const vectors = stack.ai.vectorStore;
    await vectors.deleteDocumentChunks('local', mine);
    await vectors.deleteDocumentChunks('tenant-other', theirs);

    const one = await stack.reindex({ tenantId: 'tenant-other' });
    await stack.queue.idle();

    expect(one.jobs).toEqual([{ tenantId: 'tenant-other', documentId: theirs, version: 1 }]);
    expect(await vectors.count('tenant-other', theirs)).toBeGreaterThan(0);
    expect(await vectors.count('local', mine)).toBe(0);

    const all = await stack.reindex();
    await stack.queue.idle();

    expect(all.tenants).toBe(2);
    expect(await vectors.count('local', mine)).toBeGreaterThan(0);
  });

  it('rebuilds a lost vector store from the command line', async () => {
    stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'SILENT' });
    const id = await upload(stack, stack.apiKey, 'Cookies', 'Read cookies with Cookie.');
    await stack.close();
    for (const file of readdirSync(dataDir).filter((name) => name.startsWith('vectors-'))) {
      rmSync(join(dataDir, file));
    }

    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/reindex.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir },
    });

    expect(stdout).toContain('Re-queued 1 documents of 1 tenant(s)');
    stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'SILENT' });
    expect(await stack.ai.vectorStore.count('local', id)).toBeGreaterThan(0);
    const chat = await client(stack, stack.apiKey).json('POST', '/v1/chat', {
      message: 'How do I read cookies?',
    });
    const { sources } = (chat.body as { message: { sources: Array<{ title: string }> } }).message;
    expect(sources[0]?.title).toBe('Cookies');
  }, 60_000);

  it('exits 1 naming each document it could not index again', async () => {
    stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'SILENT' });
    await upload(stack, stack.apiKey, 'Cookies', 'Read cookies with Cookie.');
    const lost = await upload(stack, stack.apiKey, 'Headers', 'Read headers with Header.');
    await stack.close();
    stack = undefined;
    const stored = readdirSync(join(dataDir, 'blobs'), { recursive: true, encoding: 'utf8' });
    for (const file of stored.filter((name) => name.includes(lost))) {
      rmSync(join(dataDir, 'blobs', file), { recursive: true, force: true });
    }

    const outcome = await run(process.execPath, ['--import', 'tsx', 'scripts/reindex.ts'], {
      cwd: ROOT,
      // One receive: the missing upload fails for good at once, not after four backoffs.
      env: { ...process.env, DATA_DIR: dataDir, MAX_RECEIVE_COUNT: '1' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );

    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('1 of 2 documents could not be indexed again');
    expect(outcome.stderr).toContain(`local: "Headers" (${lost})`);
  }, 60_000);
});
