import { mkdir, mkdtemp, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedVectorStore } from '../../../../lambdas/adapters/embedded/embedded-vector-store.js';
import { contractPoint } from '../../../contracts/vector-store-contract.js';

const X = [1, 0, 0, 0];

describe('EmbeddedVectorStore when a delete could not be written to its change log', () => {
  let dir: string;
  let filePath: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'review-vectors-'));
    filePath = join(dir, 'vectors.ndjson');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes the retried delete durable, so a restart does not bring the chunks back', async () => {
    // Arrange: a document's chunks in the snapshot; the log cannot be written for a moment
    // (here: a folder in its place; on a laptop: a full disk, an I/O error).
    const writer = new EmbeddedVectorStore({ dimensions: 4, filePath });
    await writer.upsert('tenant-a', [
      contractPoint('tenant-a', 'doc-1', 0, X, 'secret that was deleted'),
      contractPoint('tenant-a', 'doc-1', 1, X, 'more of it'),
    ]);
    const store = new EmbeddedVectorStore({ dimensions: 4, filePath });
    await store.ensureReady();
    await rm(`${filePath}.log`);
    await mkdir(`${filePath}.log`);
    await expect(store.deleteDocumentChunks('tenant-a', 'doc-1')).rejects.toThrow();
    await rmdir(`${filePath}.log`);

    // Act: DeleteDocument (or the reconciler) tries the failed delete again; it resolves.
    await store.deleteDocumentChunks('tenant-a', 'doc-1');
    const restarted = new EmbeddedVectorStore({ dimensions: 4, filePath });

    // Assert
    expect(await store.count('tenant-a', 'doc-1')).toBe(0);
    expect(await restarted.count('tenant-a', 'doc-1')).toBe(0);
    expect(await restarted.query('tenant-a', X, { limit: 5 })).toEqual([]);
  });
});
