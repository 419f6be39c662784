import { describe, expect, it } from 'vitest';
import { ReconcileDocuments } from '../../../lambdas/core/ingestion/reconcile-documents.js';
import { createHandler } from '../../../lambdas/handlers/reconcile-documents.js';
import { scheduledEvent } from '../../deployment/lambda-events.js';
import { silentLogger } from '../../support/http-deps.js';
import { ingestionFixture, sectionedMarkdown } from '../../support/ingestion-fixture.js';
import { lambdaContext } from '../../support/lambda-context.js';

describe('reconcile-documents function', () => {
  it('re-queues stale documents on its schedule and answers with what it did', async () => {
    const fixture = ingestionFixture();
    const { id } = await fixture.uploadText('Guide', sectionedMarkdown(2));
    fixture.queue.jobs.length = 0;
    fixture.clock.advance(20 * 60_000);
    const handler = createHandler({
      logger: silentLogger(),
      reconcile: new ReconcileDocuments({
        documents: fixture.documents,
        queue: fixture.queue,
        deleteDocument: fixture.deleteDocument,
        acceptUpload: fixture.acceptUpload,
        clock: fixture.clock,
        staleAfterMs: 15 * 60_000,
        maxReceiveCount: 5,
      }),
    });

    const report = await handler(
      scheduledEvent('arn:aws:events:us-east-1:123456789012:rule/reconcile'),
      lambdaContext(),
    );

    expect(report).toEqual({ requeued: 1, failed: 0, deleted: 0, skipped: 0, errors: 0 });
    expect(fixture.queue.jobs).toEqual([{ tenantId: 'acme', documentId: id, version: 1 }]);
  });
});
