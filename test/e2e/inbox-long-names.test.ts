import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { client } from '../support/local-stack-client.js';

interface DocumentView {
  id: string;
  title: string;
  status: string;
}

/** Four nested folders of 90 characters: the two files' paths share their first 364. */
const FOLDERS = Array.from({ length: 4 }, (_, n) =>
  `${n}-${'quarterly-handbook-'.repeat(5)}`.slice(0, 90),
);
const ZEBRA = '# Zebra\n\nThe zebra crossing opens at dawn and closes when the lamps are lit.';
const HERON = '# Heron\n\nThe heron pond is drained every autumn before the first frost.';

/**
 * Two drop-folder files whose paths are longer than a title may be (300 characters) and alike
 * up to their file names: each must be a document of its own, both searchable, also after a
 * restart of the local stack on the same data folder.
 */
describe('the local drop folder with two long paths alike but for their file names', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'inbox-long-names-'));
  let stack: LocalStack | undefined;
  afterAll(async () => {
    await stack?.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    stack = await startLocalStack({
      port: 0,
      streamPort: 0,
      blobPort: 0,
      dataDir,
      logLevel: 'SILENT',
      env: { INBOX_RESCAN_MS: '200', FUNCTION_THREADS: 'false' },
    });
    return stack;
  };
  const listed = async (running: LocalStack) =>
    (
      (await client(running, running.apiKey).json('GET', '/v1/documents?limit=100')).body as {
        items: DocumentView[];
      }
    ).items;
  const waitFor = async (
    running: LocalStack,
    done: (items: DocumentView[]) => boolean,
  ): Promise<DocumentView[]> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const items = await listed(running);
      if (done(items) || Date.now() > deadline) return items;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const sourcesOf = async (running: LocalStack, message: string): Promise<string[]> => {
    const reply = await client(running, running.apiKey).json('POST', '/v1/chat', { message });
    return (reply.body as { message: { sources: { title: string }[] } }).message.sources.map(
      (source) => source.title,
    );
  };
  const bothReady = (items: DocumentView[]) =>
    items.length === 2 && items.every((item) => item.status === 'ready');

  it('indexes both files as two documents, each found by its own text', async () => {
    const running = await start();
    const folder = join(running.inboxDir, 'local', ...FOLDERS);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'zebra.md'), ZEBRA);
    writeFileSync(join(folder, 'heron.md'), HERON);

    const items = await waitFor(running, bothReady);
    const zebra = await sourcesOf(running, 'When does the zebra crossing open?');
    const heron = await sourcesOf(running, 'When is the heron pond drained?');

    expect(items.map(({ status }) => status)).toEqual(['ready', 'ready']);
    const titles = items.map(({ title }) => title);
    expect(new Set(titles).size).toBe(2);
    expect(zebra[0]).toBe(titles.find((title) => title.includes('zebra.md')));
    expect(heron[0]).toBe(titles.find((title) => title.includes('heron.md')));
  });

  it('keeps the same two documents after a restart on the same data folder', async () => {
    const before = await listed(stack!);
    await stack!.close();

    const running = await start();
    await running.rescanInbox();
    await running.queue.idle();
    const after = await listed(running);

    expect(after.map(({ id }) => id).sort()).toEqual(before.map(({ id }) => id).sort());
  });

  it('deletes only the document of the file removed', async () => {
    const running = stack!;
    const zebraId = (await listed(running)).find(({ title }) => title.includes('zebra.md'))?.id;
    unlinkSync(join(running.inboxDir, 'local', ...FOLDERS, 'heron.md'));

    const items = await waitFor(running, (list) => list.length === 1);

    expect(items.map(({ id }) => id)).toEqual([zebraId]);
  });
});
