import { describe, expect, it } from 'vitest';
import { IndexBatch } from '../../../../lambdas/core/ingestion/index-batch.js';
import { IndexingUsage } from '../../../../lambdas/core/limits/indexing-usage.js';
import {
  DAILY_CHUNKS,
  DAILY_DOCUMENTS,
  EMBEDDING_TOKENS,
} from '../../../../lambdas/core/limits/tenant-limiter.js';
import { InMemoryUsageMeter } from '../../../support/fakes/in-memory-usage-meter.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';
import { fillerLines } from '../../../support/pdf-fixture.js';

const setup = (
  limits?: { maxInputsPerRequest?: number; maxTokensPerRequest?: number },
  spread: { maxConcurrentRequests?: number; minInputsPerRequest?: number } = {},
) => {
  const fixture = ingestionFixture(limits ? { limits } : {});
  const indexBatch = new IndexBatch({
    indexDocument: fixture.indexDocument,
    embedder: fixture.embedder,
    ...spread,
  });
  return { ...fixture, indexBatch };
};

describe('IndexBatch', () => {
  it("embeds the chunks of every job of a batch in shared requests, in each job's order", async () => {
    const { uploadText, queue, indexBatch, embedder, vectors } = setup();
    for (let i = 0; i < 3; i += 1) await uploadText(`Doc ${i}`, sectionedMarkdown(3, `doc${i}`));

    const results = await indexBatch.execute(queue.jobs.map((job) => ({ job })));

    expect(results).toEqual(Array(3).fill({ kind: 'indexed', chunkCount: 3, embeddingCalls: 1 }));
    expect(embedder.calls).toHaveLength(1);
    const found = await vectors.count('acme');
    expect(found).toBe(9);
  });

  it('spreads a batch of more chunks than the minimum over the requests that may run at once', async () => {
    const { uploadText, queue, indexBatch, embedder } = setup(undefined, {
      maxConcurrentRequests: 3,
      minInputsPerRequest: 2,
    });
    for (let i = 0; i < 3; i += 1) await uploadText(`Doc ${i}`, sectionedMarkdown(3, `doc${i}`));

    const results = await indexBatch.execute(queue.jobs.map((job) => ({ job })));

    expect(results.every((result) => result.kind === 'indexed')).toBe(true);
    expect(embedder.calls.map((texts) => texts.length)).toEqual([3, 3, 3]);
  });

  it('keeps a batch of no more chunks than the minimum in one request', async () => {
    const { uploadText, queue, indexBatch, embedder } = setup(undefined, {
      maxConcurrentRequests: 3,
      minInputsPerRequest: 9,
    });
    for (let i = 0; i < 3; i += 1) await uploadText(`Doc ${i}`, sectionedMarkdown(3, `doc${i}`));

    await indexBatch.execute(queue.jobs.map((job) => ({ job })));

    expect(embedder.calls.map((texts) => texts.length)).toEqual([9]);
  });

  it('keeps a job that needs no work out of the requests', async () => {
    const { uploadText, queue, indexBatch, embedder } = setup();
    await uploadText('Guide', sectionedMarkdown(2));
    await uploadText('Guide', sectionedMarkdown(2, 'newer'));

    const [stale, current] = await indexBatch.execute(queue.jobs.map((job) => ({ job })));

    expect(stale).toEqual({ kind: 'skipped', reason: 'version 1 is superseded by 2' });
    expect(current).toMatchObject({ kind: 'indexed', chunkCount: 2 });
    expect(embedder.calls.flat().every((text) => text.includes('newer'))).toBe(true);
  });

  it('fails a job whose raw text is gone alone', async () => {
    const { uploadText, queue, indexBatch, blobs } = setup();
    await uploadText('Lost', sectionedMarkdown(1, 'lost'));
    await uploadText('Kept', sectionedMarkdown(1, 'kept'));
    await blobs.deletePrefix(`tenants/acme/documents/${queue.jobs[0]!.documentId}/`);

    const [lost, kept] = await indexBatch.execute(queue.jobs.map((job) => ({ job })));

    expect(lost).toMatchObject({ kind: 'failed' });
    expect(kept).toMatchObject({ kind: 'indexed', chunkCount: 1 });
  });

  it('fails every job of a request that fails for each of them (a throttle), and nothing else', async () => {
    const { uploadText, queue, indexBatch, embedder } = setup({ maxInputsPerRequest: 2 });
    for (let i = 0; i < 3; i += 1) await uploadText(`Doc ${i}`, sectionedMarkdown(1, `doc${i}`));
    embedder.onCall = (texts) => {
      if (texts.some((text) => text.includes('doc0') || text.includes('doc1'))) {
        throw new Error('429 rate limited');
      }
    };

    const results = await indexBatch.execute(queue.jobs.map((job) => ({ job })));

    expect(results.map((result) => result.kind)).toEqual(['failed', 'failed', 'indexed']);
  });

  it("counts each tenant's indexed documents, stored chunks and the embedding tokens the API reported", async () => {
    const fixture = ingestionFixture();
    const meter = new InMemoryUsageMeter(new ManualClock(new Date().toISOString()));
    const indexBatch = new IndexBatch({
      indexDocument: fixture.indexDocument,
      embedder: fixture.embedder,
      usage: new IndexingUsage(meter),
    });
    let reported = 0;
    fixture.embedder.onCall = (texts) => {
      reported += texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
    };
    for (let i = 0; i < 2; i += 1) {
      await fixture.uploadText(`Doc ${i}`, sectionedMarkdown(3, `doc${i}`));
    }

    await indexBatch.execute(fixture.queue.jobs.map((job) => ({ job })));

    expect(await meter.read('acme', DAILY_DOCUMENTS)).toBe(2);
    expect(await meter.read('acme', DAILY_CHUNKS)).toBe(6);
    expect(await meter.read('acme', EMBEDDING_TOKENS)).toBe(reported);
  });

  it('counts a document indexed in parts once, with all of its chunks', async () => {
    const fixture = ingestionFixture({ partChunks: 10, maxUploadBytes: 2_000_000 });
    const meter = new InMemoryUsageMeter(new ManualClock(new Date().toISOString()));
    const indexBatch = new IndexBatch({
      indexDocument: fixture.indexDocument,
      embedder: fixture.embedder,
      usage: new IndexingUsage(meter),
    });
    await fixture.uploadPdf(
      'handbook.pdf',
      Array.from({ length: 4 }, (_, index) => fillerLines(index + 1)),
    );
    const [split] = await indexBatch.execute([{ job: fixture.queue.jobs[0]! }]);
    const parts = fixture.queue.jobs.slice(1);

    await indexBatch.execute(parts.slice(0, 2).map((job) => ({ job })));
    await indexBatch.execute(parts.slice(2).map((job) => ({ job })));

    expect(parts.length).toBeGreaterThan(2);
    expect(await meter.read('acme', DAILY_DOCUMENTS)).toBe(1);
    expect(await meter.read('acme', DAILY_CHUNKS)).toBe(
      split?.kind === 'split' ? split.chunkCount : -1,
    );
  });
});
