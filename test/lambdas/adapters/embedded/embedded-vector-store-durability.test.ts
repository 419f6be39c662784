import { mkdir, mkdtemp, readdir, readFile, rm, rmdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedVectorStore } from '../../../../lambdas/adapters/embedded/embedded-vector-store.js';
import { contractPoint } from '../../../contracts/vector-store-contract.js';

const X = [1, 0, 0, 0];

let dir: string;
let filePath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rag-test-vectors-'));
  filePath = join(dir, 'vectors.ndjson');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('EmbeddedVectorStore after a crash that tore the only line of its change log', () => {
  it('keeps the first write acknowledged after the restart through the next crash', async () => {
    // Arrange: a store whose log was just folded into the snapshot (a start), then a crash
    // (kill -9) in the middle of the next append: the log holds one torn line, no newline.
    const writer = new EmbeddedVectorStore({ dimensions: 4, filePath });
    await writer.upsert('tenant-a', [contractPoint('tenant-a', 'doc-1', 0, X)]);
    await new EmbeddedVectorStore({ dimensions: 4, filePath }).ensureReady();
    expect(await readFile(`${filePath}.log`, 'utf8')).toBe('');
    await writeFile(`${filePath}.log`, '{"op":"upsert","points":[{"id":"0000');
    const restarted = new EmbeddedVectorStore({ dimensions: 4, filePath });

    // Act: a write acknowledged after the restart (resolved: on disk, says the store), then a
    // second crash and restart.
    await restarted.upsert('tenant-a', [contractPoint('tenant-a', 'doc-2', 0, X)]);
    const afterSecondCrash = new EmbeddedVectorStore({ dimensions: 4, filePath });

    // Assert
    expect(await afterSecondCrash.count('tenant-a', 'doc-1')).toBe(1);
    expect(await afterSecondCrash.count('tenant-a', 'doc-2')).toBe(1);
  });

  it('keeps a delete acknowledged after the restart, so the deleted chunks stay gone', async () => {
    // Arrange
    const writer = new EmbeddedVectorStore({ dimensions: 4, filePath });
    await writer.upsert('tenant-a', [
      contractPoint('tenant-a', 'doc-1', 0, X),
      contractPoint('tenant-a', 'doc-1', 1, X),
    ]);
    await new EmbeddedVectorStore({ dimensions: 4, filePath }).ensureReady();
    await writeFile(`${filePath}.log`, '{"op":"delete","tenantId":"tenant-a","documentId":"doc');
    const restarted = new EmbeddedVectorStore({ dimensions: 4, filePath });

    // Act
    await restarted.deleteDocumentChunks('tenant-a', 'doc-1');
    const afterSecondCrash = new EmbeddedVectorStore({ dimensions: 4, filePath });

    // Assert
    expect(await afterSecondCrash.count('tenant-a', 'doc-1')).toBe(0);
  });
});

describe('EmbeddedVectorStore when a delete could not be written to its change log', () => {
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

describe('EmbeddedVectorStore after a crash in the middle of rewriting its snapshot', () => {
  // A process id past Linux's largest (2^22): no process can have it.
  const GONE_PID = 4_194_305;

  it('removes the temporary snapshot the crashed process left, and keeps a live one', async () => {
    // Arrange
    const writer = new EmbeddedVectorStore({ dimensions: 4, filePath });
    await writer.upsert('tenant-a', [contractPoint('tenant-a', 'doc-1', 0, X)]);
    const leftover = `${filePath}.${GONE_PID}.1.tmp`;
    const live = `${filePath}.${process.pid}.999.tmp`;
    await writeFile(leftover, 'x'.repeat(1000));
    await writeFile(live, 'x');

    // Act
    const restarted = new EmbeddedVectorStore({ dimensions: 4, filePath });
    await restarted.ensureReady();

    // Assert
    expect(await readdir(dir)).not.toContain(`vectors.ndjson.${GONE_PID}.1.tmp`);
    expect(await readdir(dir)).toContain(`vectors.ndjson.${process.pid}.999.tmp`);
    expect(await restarted.count('tenant-a', 'doc-1')).toBe(1);
  });

  it('removes a temporary snapshot left long ago under a pid that runs again (a reused pid)', async () => {
    // Arrange: after a restart a container's process often has the pid its crashed one had.
    const leftover = `${filePath}.${process.pid}.1.tmp`;
    await writeFile(leftover, 'x'.repeat(1000));
    const longAgo = new Date(Date.now() - 60 * 60_000);
    await utimes(leftover, longAgo, longAgo);

    // Act
    const restarted = new EmbeddedVectorStore({ dimensions: 4, filePath });
    await restarted.ensureReady();

    // Assert
    expect(await readdir(dir)).not.toContain(`vectors.ndjson.${process.pid}.1.tmp`);
  });
});
