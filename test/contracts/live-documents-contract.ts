import { beforeEach, describe, expect, it } from 'vitest';
import type { DocumentStore } from '../../lambdas/core/ports/document-store.js';
import type { LiveDocuments } from '../../lambdas/core/ports/live-documents.js';

/** A {@link LiveDocuments} adapter and the document store whose records it reads. */
export interface LiveDocumentsSubject {
  documents: DocumentStore;
  live: LiveDocuments;
}

/**
 * The behaviour every {@link LiveDocuments} must have, as a vitest suite: run it once per
 * adapter (DynamoDB on dynalite, the in-memory fake), with documents arranged through the
 * document store it reads.
 *
 * @example
 * describeLiveDocumentsContract('DynamoDbLiveDocuments', async () => ({ documents, live }));
 */
export const describeLiveDocumentsContract = (
  name: string,
  createSubject: () => Promise<LiveDocumentsSubject>,
): void => {
  describe(`${name} (LiveDocuments contract)`, () => {
    let documents: DocumentStore;
    let live: LiveDocuments;
    let tenant: string;
    let counter = 0;

    beforeEach(async () => {
      ({ documents, live } = await createSubject());
      counter += 1;
      tenant = `live-${counter}-${Math.random().toString(36).slice(2, 8)}`;
    });

    const create = async (title: string, tenantId = tenant) => {
      const { documentId, version } = await documents.reserveVersion(tenantId, title);
      await documents.publishVersion(
        {
          tenantId,
          documentId,
          title,
          version,
          contentType: 'text/markdown',
          sizeBytes: 10,
          blobKey: `tenants/${tenantId}/documents/${documentId}/v${version}`,
        },
        '2026-01-01T00:00:00.000Z',
      );
      return documentId;
    };

    it('answers the ids of documents that exist and are not being deleted', async () => {
      const guide = await create('Guide');
      const manual = await create('Manual');

      const found = await live.liveAmong(tenant, [guide, manual]);

      expect([...found].sort()).toEqual([guide, manual].sort());
    });

    it('leaves out a document being deleted', async () => {
      const guide = await create('Guide');
      const manual = await create('Manual');
      await documents.markDeleting(tenant, guide, '2026-01-02T00:00:00.000Z');

      const found = await live.liveAmong(tenant, [guide, manual]);

      expect([...found]).toEqual([manual]);
    });

    it('takes a document back as live when its tombstone is taken back', async () => {
      const guide = await create('Guide');
      const replaced = await documents.markDeleting(tenant, guide, '2026-01-02T00:00:00.000Z');
      await documents.restoreDeleting(replaced!, '2026-01-02T00:00:00.000Z');

      const found = await live.liveAmong(tenant, [guide]);

      expect([...found]).toEqual([guide]);
    });

    it('leaves out a deleted document and an id no document has', async () => {
      const guide = await create('Guide');
      await documents.delete(tenant, guide);

      const found = await live.liveAmong(tenant, [guide, 'no-such-document']);

      expect(found.size).toBe(0);
    });

    it("leaves out another tenant's document", async () => {
      const theirs = await create('Guide', `${tenant}-other`);

      const found = await live.liveAmong(tenant, [theirs]);

      expect(found.size).toBe(0);
    });

    it('answers no ids when asked about none', async () => {
      const found = await live.liveAmong(tenant, []);

      expect(found.size).toBe(0);
    });
  });
};
