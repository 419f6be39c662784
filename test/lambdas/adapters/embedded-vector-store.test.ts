import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedVectorStore } from '../../../lambdas/adapters/embedded/embedded-vector-store.js';
import {
  contractPoint,
  describeVectorStoreContract,
} from '../../contracts/vector-store-contract.js';

describeVectorStoreContract('EmbeddedVectorStore in memory', async ({ dimensions }) => ({
  store: new EmbeddedVectorStore({ dimensions }),
}));

describeVectorStoreContract('EmbeddedVectorStore on a file', async ({ dimensions }) => {
  const dir = await mkdtemp(join(tmpdir(), 'vectors-'));
  const store = new EmbeddedVectorStore({ dimensions, filePath: join(dir, 'vectors.ndjson') });
  return {
    store,
    dispose: async () => {
      await store.flush();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('EmbeddedVectorStore persistence', () => {
  let dir: string;
  let filePath: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vectors-'));
    filePath = join(dir, 'nested', 'vectors.ndjson');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps points across a restart', async () => {
    const first = new EmbeddedVectorStore({ dimensions: 4, filePath });
    await first.upsert('tenant-a', [
      contractPoint('tenant-a', 'doc-1', 0, [1, 0, 0, 0], 'kept'),
      contractPoint('tenant-a', 'doc-1', 1, [0, 1, 0, 0]),
    ]);
    await first.deleteDocumentChunks('tenant-a', 'doc-1', { fromChunkIndex: 1 });
    await first.flush();

    const restarted = new EmbeddedVectorStore({ dimensions: 4, filePath });

    expect(await restarted.count('tenant-a')).toBe(1);
    const [found] = await restarted.query('tenant-a', [1, 0, 0, 0], { limit: 1 });
    expect(found).toMatchObject({ text: 'kept', score: expect.closeTo(1, 5) });
  });

  it('writes by itself shortly after a change (write-behind)', async () => {
    const store = new EmbeddedVectorStore({ dimensions: 4, filePath, writeDelayMs: 5 });

    await store.upsert('tenant-a', [contractPoint('tenant-a', 'doc-1', 0, [1, 0, 0, 0])]);
    await expect
      .poll(() => readFile(filePath, 'utf8').catch(() => ''), { timeout: 2_000 })
      .toContain('doc-1');
  });

  it('coalesces many changes into few writes and leaves no temporary file', async () => {
    const store = new EmbeddedVectorStore({ dimensions: 4, filePath, writeDelayMs: 20 });

    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        store.upsert('tenant-a', [contractPoint('tenant-a', `doc-${index}`, 0, [1, index, 0, 0])]),
      ),
    );
    await store.flush();

    const lines = (await readFile(filePath, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(50);
    expect(await readdir(join(dir, 'nested'))).toEqual(['vectors.ndjson']);
  });

  it('ignores torn lines and vectors of another size', async () => {
    const writer = new EmbeddedVectorStore({ dimensions: 4, filePath });
    await writer.upsert('tenant-a', [contractPoint('tenant-a', 'doc-1', 0, [1, 0, 0, 0])]);
    await writer.flush();
    const other = new EmbeddedVectorStore({ dimensions: 2, filePath: join(dir, 'other.ndjson') });
    await other.upsert('tenant-a', [contractPoint('tenant-a', 'doc-2', 0, [1, 0])]);
    await other.flush();
    const mixed = `${await readFile(filePath, 'utf8')}${await readFile(join(dir, 'other.ndjson'), 'utf8')}{"id":"torn`;
    await writeFile(filePath, mixed);

    const reader = new EmbeddedVectorStore({ dimensions: 4, filePath });

    expect(await reader.count('tenant-a')).toBe(1);
    expect(await reader.count('tenant-a', 'doc-1')).toBe(1);
  });

  it('starts empty when the file does not exist yet', async () => {
    const store = new EmbeddedVectorStore({ dimensions: 4, filePath });

    await store.ensureReady();

    expect(await store.count('tenant-a')).toBe(0);
  });

  it('rejects a query vector of the wrong size', async () => {
    const store = new EmbeddedVectorStore({ dimensions: 4 });

    await expect(store.query('tenant-a', [1, 0], { limit: 1 })).rejects.toThrow(RangeError);
  });
});
