import { describe, expect, it } from 'vitest';
import { IndexDocument } from '../../../../lambdas/core/ingestion/index-document.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';
import { testReaders } from '../../../support/readers.js';

describe('the parts of a version chunked again by an indexer that chunks differently', () => {
  const redeploy = (world: ReturnType<typeof ingestionFixture>) =>
    new IndexDocument({
      documents: world.documents,
      blobs: world.blobs,
      embedder: world.embedder,
      vectors: world.vectors,
      queue: world.queue,
      clock: world.clock,
      chunking: { maxTokens: 12, overlapTokens: 2 },
      readers: testReaders,
      partChunks: 2,
    });

  it('fails the version, saying why, instead of marking it ready with chunks missing', async () => {
    // Arrange: an indexer splits a version into parts; a deploy that changes the chunking
    // (CHUNK_SIZE_TOKENS, or the chunker itself) lands while the parts are still queued.
    const world = ingestionFixture({ partChunks: 2 });
    const { id } = await world.uploadText('Guide', sectionedMarkdown(6));
    expect(await world.indexDocument.execute(world.queue.jobs[0]!)).toMatchObject({
      kind: 'split',
      chunkCount: 6,
    });
    const parts = world.queue.jobs.filter((job) => job.part);
    const redeployed = redeploy(world);

    // Act
    for (const part of parts) await redeployed.execute(part).catch(() => undefined);

    // Assert
    expect(await world.documents.get('acme', id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('The chunking changed while version 1 was indexed in parts'),
    });
  });

  it('checks a part sent before parts carried their chunk count by its last part', async () => {
    const world = ingestionFixture({ partChunks: 2 });
    const { id } = await world.uploadText('Guide', sectionedMarkdown(6));
    await world.indexDocument.execute(world.queue.jobs[0]!);
    const last = world.queue.jobs.filter((job) => job.part).at(-1)!;
    const { chunks: _, ...olderPart } = last.part!;

    await redeploy(world).execute({ ...last, part: olderPart });

    expect(await world.documents.get('acme', id)).toMatchObject({ status: 'failed' });
  });
});
