import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { client } from '../support/local-stack-client.js';

const TEXT =
  '# Handbook\n\nThe escalation desk answers within four hours on weekdays. ' +
  'Refunds above 500 euros need a second approval from the finance team.';

interface DocumentView {
  id: string;
  title: string;
  status: string;
  version: number;
}

/**
 * dev/main.ts: "Nothing is lost (the stack may be killed at any moment): the next start
 * re-queues what was in flight." The object events the local S3 stand-ins send (the drop-folder
 * watcher, the presigned PUT endpoint) live only in the in-process queue: a stop between the
 * object's arrival and the indexer's reading of its event loses the event, and nothing at the
 * next start notices the object. The batching window is widened (2 s instead of 250 ms) only to
 * make the stop land inside it every time; a crash (kill -9) loses the event at any moment.
 */
describe('the local stack stopped right after a drop-folder file arrived', () => {
  const dirs: string[] = [];
  const stacks: LocalStack[] = [];
  afterAll(async () => {
    for (const stack of stacks) await stack.close().catch(() => undefined);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const start = async (dataDir: string) => {
    const stack = await startLocalStack({
      port: 0,
      streamPort: 0,
      blobPort: 0,
      dataDir,
      logLevel: 'SILENT',
      env: { INBOX_RESCAN_MS: '200', INDEXER_BATCH_WINDOW_MS: '2000', FUNCTION_THREADS: 'false' },
    });
    stacks.push(stack);
    return stack;
  };
  const stop = async (stack: LocalStack) => {
    stacks.splice(stacks.indexOf(stack), 1);
    await stack.close();
  };
  const waitFor = async <T>(read: () => Promise<T>, done: (value: T) => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('indexes a drop-folder file after a restart when the stack stopped before reading its event', async () => {
    // Arrange: a file is copied into the local bucket, then the stack stops
    const dataDir = mkdtempSync(join(tmpdir(), 'rag-review-stop-inbox-'));
    dirs.push(dataDir);
    const first = await start(dataDir);
    mkdirSync(join(first.inboxDir, 'local'), { recursive: true });
    writeFileSync(join(first.inboxDir, 'local', 'handbook.md'), TEXT);
    const copy = join(dataDir, 'blobs', 'tenants', 'local', 'inbox', 'handbook.md.blob');
    await waitFor(async () => existsSync(copy), Boolean, 10_000);
    expect(existsSync(copy)).toBe(true);
    await stop(first);

    // Act: the next start
    const second = await start(dataDir);
    const listed = () =>
      client(second, second.apiKey)
        .json('GET', '/v1/documents?limit=100')
        .then(({ body }) => (body as { items: DocumentView[] }).items);
    const items = await waitFor(
      listed,
      (list) => list.some((d) => d.title === 'handbook.md' && d.status === 'ready'),
      8_000,
    );

    // Assert
    expect(items.map(({ title, status }) => ({ title, status }))).toEqual([
      { title: 'handbook.md', status: 'ready' },
    ]);
  });
});
