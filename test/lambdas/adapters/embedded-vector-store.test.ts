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

  it('has an upsert on disk as soon as it resolves, with no flush', async () => {
    const writer = new EmbeddedVectorStore({ dimensions: 4, filePath });
    await writer.upsert('tenant-a', [contractPoint('tenant-a', 'doc-1', 0, [1, 0, 0, 0])]);

    const afterCrash = new EmbeddedVectorStore({ dimensions: 4, filePath });

    expect(await afterCrash.count('tenant-a', 'doc-1')).toBe(1);
  });

  it('has a delete on disk as soon as it resolves, with no flush', async () => {
    const writer = new EmbeddedVectorStore({ dimensions: 4, filePath });
    await writer.upsert('tenant-a', [
      contractPoint('tenant-a', 'doc-1', 0, [1, 0, 0, 0]),
      contractPoint('tenant-a', 'doc-1', 1, [0, 1, 0, 0]),
    ]);
    await writer.deleteDocumentChunks('tenant-a', 'doc-1');

    const afterCrash = new EmbeddedVectorStore({ dimensions: 4, filePath });

    expect(await afterCrash.count('tenant-a')).toBe(0);
  });

  it('folds the change log into the snapshot at start and leaves no temporary file', async () => {
    const writer = new EmbeddedVectorStore({ dimensions: 4, filePath });
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        writer.upsert('tenant-a', [contractPoint('tenant-a', `doc-${index}`, 0, [1, index, 0, 0])]),
      ),
    );

    await new EmbeddedVectorStore({ dimensions: 4, filePath }).ensureReady();

    expect((await readFile(filePath, 'utf8')).trim().split('\n')).toHaveLength(50);
    expect(await readFile(`${filePath}.log`, 'utf8')).toBe('');
    expect((await readdir(join(dir, 'nested'))).sort()).toEqual([
      'vectors.ndjson',
      'vectors.ndjson.log',
    ]);
  });

  it('compacts the log once it outgrows its bound, losing nothing', async () => {
    const store = new EmbeddedVectorStore({ dimensions: 4, filePath, compactAfterBytes: 100 });
    for (let index = 0; index < 10; index += 1) {
      await store.upsert('tenant-a', [contractPoint('tenant-a', `doc-${index}`, 0, [1, 0, 0, 0])]);
    }

    const snapshot = await readFile(filePath, 'utf8');
    const restarted = new EmbeddedVectorStore({ dimensions: 4, filePath });

    expect(snapshot).toContain('doc-9');
    expect(await restarted.count('tenant-a')).toBe(10);
  });

  it('ignores torn lines and vectors of another size', async () => {
    const writer = new EmbeddedVectorStore({ dimensions: 4, filePath });
    await writer.upsert('tenant-a', [contractPoint('tenant-a', 'doc-1', 0, [1, 0, 0, 0])]);
    await new EmbeddedVectorStore({ dimensions: 4, filePath }).ensureReady();
    const otherPath = join(dir, 'other.ndjson');
    await new EmbeddedVectorStore({ dimensions: 2, filePath: otherPath }).upsert('tenant-a', [
      contractPoint('tenant-a', 'doc-2', 0, [1, 0]),
    ]);
    await new EmbeddedVectorStore({ dimensions: 2, filePath: otherPath }).ensureReady();
    const mixed = `${await readFile(filePath, 'utf8')}${await readFile(otherPath, 'utf8')}{"id":"torn`;
    await writeFile(filePath, mixed);
    await writeFile(`${filePath}.log`, '{"op":"upsert","points":[{"id":"to');

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
