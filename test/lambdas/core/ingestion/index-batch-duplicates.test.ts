import { describe, expect, it } from 'vitest';
import { IndexBatch } from '../../../../lambdas/core/ingestion/index-batch.js';
import { IndexingUsage } from '../../../../lambdas/core/limits/indexing-usage.js';
import { DAILY_CHUNKS, DAILY_DOCUMENTS } from '../../../../lambdas/core/limits/tenant-limiter.js';
import { InMemoryUsageMeter } from '../../../support/fakes/in-memory-usage-meter.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';

describe('one job delivered twice in the same batch', () => {
  it('embeds its chunks once and counts the document once', async () => {
    // Arrange: the same job twice in one batch (an SQS duplicate, or the upload's job and a
    // repeated S3 event's job for a version still queued).
    const fixture = ingestionFixture();
    const meter = new InMemoryUsageMeter(new ManualClock(new Date().toISOString()));
    const indexBatch = new IndexBatch({
      indexDocument: fixture.indexDocument,
      embedder: fixture.embedder,
      usage: new IndexingUsage(meter),
    });
    await fixture.uploadText('Guide', sectionedMarkdown(3));
    const job = fixture.queue.jobs[0]!;

    // Act
    const results = await indexBatch.execute([
      { job, attempt: 1 },
      { job: structuredClone(job), attempt: 1 },
    ]);

    // Assert
    expect(results.every((result) => result.kind !== 'failed')).toBe(true);
    expect(fixture.embedder.calls.flat()).toHaveLength(3);
    expect(await meter.read('acme', DAILY_DOCUMENTS)).toBe(1);
    expect(await meter.read('acme', DAILY_CHUNKS)).toBe(3);
  });
});
