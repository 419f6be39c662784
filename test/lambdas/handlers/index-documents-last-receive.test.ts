import { describe, expect, it } from 'vitest';
import { DependencyError } from '../../../lambdas/core/dependency-error.js';
import { IndexBatch } from '../../../lambdas/core/ingestion/index-batch.js';
import { createHandler } from '../../../lambdas/handlers/index-documents.js';
import { silentLogger } from '../../support/http-deps.js';
import { ingestionFixture, sectionedMarkdown } from '../../support/ingestion-fixture.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { sqsEvent, sqsRecord } from '../../support/sqs-events.js';

describe('index-documents function on a job’s last receive', () => {
  it('leaves no chunk of a document deleted while the failing run was storing it', async () => {
    const world = ingestionFixture();
    const handler = createHandler({
      logger: silentLogger(),
      indexBatch: new IndexBatch({ indexDocument: world.indexDocument, embedder: world.embedder }),
      indexDocument: world.indexDocument,
      objectEvents: world.objectEvents,
      maxReceiveCount: 5,
    });
    const { id } = await world.uploadText('Guide', sectionedMarkdown(3));
    const job = world.queue.jobs[0]!;

    // While the run embeds, the owner deletes the document (DELETE /v1/documents/{id}: 204).
    world.embedder.onCall = async () => {
      world.embedder.onCall = undefined;
      await world.deleteDocument.execute('acme', id);
    };
    // Qdrant applies the upsert but the answer never comes back (a timeout, a 503 after the
    // write): the run fails after its points were written.
    const upsert = world.vectors.upsert.bind(world.vectors);
    world.vectors.upsert = async (tenantId, points) => {
      await upsert(tenantId, points);
      throw new DependencyError('qdrant', 'timeout', 'upsert timed out');
    };

    const response = await handler(
      sqsEvent(sqsRecord(JSON.stringify(job), { receiveCount: 5 })),
      lambdaContext(),
    );

    // The message goes to the dead-letter queue: no later delivery will repair anything.
    expect(response?.batchItemFailures).toHaveLength(1);
    expect(await world.documents.get('acme', id)).toBeUndefined();
    expect(await world.vectors.count('acme', id)).toBe(0);
  });
});
