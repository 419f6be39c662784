import { describe, expect, it } from 'vitest';
import { issueApiKey } from '../../../../lambdas/core/auth/issue-api-key.js';
import { ReindexDocuments } from '../../../../lambdas/core/ingestion/reindex-documents.js';
import { InMemoryApiKeyStore } from '../../../support/fakes/in-memory-api-key-store.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';

const setup = async () => {
  const world = ingestionFixture();
  const apiKeys = new InMemoryApiKeyStore();
  await issueApiKey(apiKeys, world.clock, 'acme');
  const reindex = new ReindexDocuments({ documents: world.documents, apiKeys, queue: world.queue });
  return { world, reindex };
};

describe('ReindexDocuments', () => {
  it("queues the current version of every tenant's documents", async () => {
    const { world, reindex } = await setup();
    const { id } = await world.uploadText('Guide', sectionedMarkdown(2));
    await world.indexDocument.execute(world.queue.jobs[0]!);

    const { jobs } = await reindex.execute();

    expect(jobs).toEqual([{ tenantId: 'acme', documentId: id, version: 1 }]);
  });

  it('leaves alone a presigned upload still waiting for its file', async () => {
    const { world, reindex } = await setup();
    await world.requestUpload.execute({
      tenantId: 'acme',
      title: 'handbook.md',
      contentType: 'text/markdown',
      contentLength: 37,
    });

    const { jobs } = await reindex.execute();

    expect(jobs).toEqual([]);
  });
});
