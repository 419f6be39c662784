import { describe, expect, it } from 'vitest';
import type { ScoredChunk } from '../../../../lambdas/core/ports/vector-store.js';
import { liveChunks } from '../../../../lambdas/core/retrieval/live-chunks.js';
import { someDocumentsLive } from '../../../support/fakes/some-documents-live.js';

const chunk = (documentId: string, chunkIndex: number): ScoredChunk => ({
  documentId,
  title: documentId,
  chunkIndex,
  text: `${documentId} ${chunkIndex}`,
  score: 1 - chunkIndex / 10,
});

describe('liveChunks', () => {
  it('keeps the chunks of live documents, in their order', async () => {
    const { documents } = someDocumentsLive(['a', 'c']);
    const chunks = [chunk('a', 0), chunk('b', 1), chunk('c', 2), chunk('a', 3)];

    const kept = await liveChunks(documents, 'acme', chunks);

    expect(kept).toEqual([chunk('a', 0), chunk('c', 2), chunk('a', 3)]);
  });

  it('asks about each document once, in one call', async () => {
    const { documents, asked } = someDocumentsLive(['a']);

    await liveChunks(documents, 'acme', [chunk('a', 0), chunk('b', 1), chunk('a', 2)]);

    expect(asked).toEqual([['a', 'b']]);
  });

  it('reads nothing when there are no chunks', async () => {
    const { documents, asked } = someDocumentsLive(['a']);

    const kept = await liveChunks(documents, 'acme', []);

    expect(kept).toEqual([]);
    expect(asked).toEqual([]);
  });
});
