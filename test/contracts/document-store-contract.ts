import { beforeEach, describe, expect, it } from 'vitest';
import type {
  DocumentRecord,
  DocumentStore,
  DocumentVersion,
} from '../../lambdas/core/ports/document-store.js';

/**
 * The behaviour every {@link DocumentStore} must have, as a vitest suite: run it once per
 * adapter (DynamoDB on dynalite, the in-memory fake) so that the fake cannot drift from the
 * real thing.
 *
 * @example
 * describeDocumentStoreContract('DynamoDbDocumentStore', async () => new DynamoDbDocumentStore(client, table));
 */
export const describeDocumentStoreContract = (
  name: string,
  createStore: () => Promise<DocumentStore>,
): void => {
  describe(`${name} (DocumentStore contract)`, () => {
    let store: DocumentStore;
    let tenant: string;
    let counter = 0;

    beforeEach(async () => {
      store = await createStore();
      counter += 1;
      tenant = `tenant-${counter}-${Math.random().toString(36).slice(2, 8)}`;
    });

    const versionOf = (
      documentId: string,
      version: number,
      overrides: Partial<DocumentVersion> = {},
    ): DocumentVersion => ({
      tenantId: tenant,
      documentId,
      title: 'Guide',
      version,
      contentType: 'text/markdown',
      sizeBytes: 10,
      blobKey: `tenants/${tenant}/documents/${documentId}/v${version}`,
      ...overrides,
    });

    /** The document's record, read back; fails the test when there is none. */
    const stored = async (documentId: string): Promise<DocumentRecord> => {
      const record = await store.get(tenant, documentId);
      if (!record) throw new Error(`no record for ${documentId}`);
      return record;
    };

    const create = async (title: string, at: string) => {
      const { documentId, version } = await store.reserveVersion(tenant, title);
      const published = await store.publishVersion(versionOf(documentId, version, { title }), at);
      expect(published).toEqual({ outcome: 'current' });
      return stored(documentId);
    };

    describe('reserveVersion', () => {
      it('maps a title to one document and hands out increasing versions', async () => {
        const first = await store.reserveVersion(tenant, 'Guide');
        const second = await store.reserveVersion(tenant, 'Guide');
        const other = await store.reserveVersion(tenant, 'Other');

        expect(first.version).toBe(1);
        expect(second).toEqual({ documentId: first.documentId, version: 2 });
        expect(other.documentId).not.toBe(first.documentId);
      });

      it('gives concurrent reservations of one title one document and distinct versions', async () => {
        const reservations = await Promise.all(
          Array.from({ length: 12 }, () => store.reserveVersion(tenant, 'Race')),
        );

        expect(new Set(reservations.map((r) => r.documentId)).size).toBe(1);
        expect(reservations.map((r) => r.version).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 12 }, (_, i) => i + 1),
        );
      });

      it('scopes titles by tenant', async () => {
        const mine = await store.reserveVersion(tenant, 'Guide');
        const theirs = await store.reserveVersion(`${tenant}-other`, 'Guide');

        expect(theirs.documentId).not.toBe(mine.documentId);
        expect(theirs.version).toBe(1);
      });
    });

    describe('publishVersion', () => {
      it('creates the document queued', async () => {
        const { documentId } = await store.reserveVersion(tenant, 'Guide');

        const published = await store.publishVersion(
          versionOf(documentId, 1, { metadata: { lang: 'en', pages: 3 } }),
          '2026-01-01T00:00:00.000Z',
        );

        expect(published).toEqual({ outcome: 'current' });
        expect(await store.get(tenant, documentId)).toEqual({
          ...versionOf(documentId, 1),
          metadata: { lang: 'en', pages: 3 },
          status: 'queued',
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-01T00:00:00.000Z',
        });
      });

      it('creates a version awaiting its upload when asked, listed as pending work', async () => {
        const { documentId } = await store.reserveVersion(tenant, 'Handbook');

        const published = await store.publishVersion(
          versionOf(documentId, 1, { title: 'Handbook' }),
          '2020-01-01T00:00:00.000Z',
          'awaiting-upload',
        );
        const stale = await store.listStale('2020-01-01T00:00:01.000Z', 100);

        expect(published).toEqual({ outcome: 'current' });
        expect((await store.get(tenant, documentId))?.status).toBe('awaiting-upload');
        expect(stale.map((record) => record.documentId)).toContain(documentId);
      });

      it('replaces the previous version, keeping createdAt and clearing its results', async () => {
        const { documentId } = await store.reserveVersion(tenant, 'Guide');
        await store.publishVersion(
          versionOf(documentId, 1, { metadata: { a: 1 } }),
          '2026-01-01T00:00:00.000Z',
        );
        await store.transition(tenant, documentId, 1, {
          status: 'failed',
          error: 'boom',
          attempts: 5,
          at: '2026-01-01T00:01:00.000Z',
        });

        const published = await store.publishVersion(
          versionOf(documentId, 2, { sizeBytes: 20 }),
          '2026-01-02T00:00:00.000Z',
        );

        expect(published.outcome).toBe('current');
        expect(await stored(documentId)).toEqual({
          ...versionOf(documentId, 2, { sizeBytes: 20 }),
          status: 'queued',
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-02T00:00:00.000Z',
        });
      });

      it('clears a re-index’s bulk mark with the version it marked', async () => {
        const { documentId } = await store.reserveVersion(tenant, 'Guide');
        await store.publishVersion(versionOf(documentId, 1), '2026-01-01T00:00:00.000Z');
        await store.transition(tenant, documentId, 1, {
          status: 'queued',
          queuedInBulk: true,
          at: '2026-01-01T00:01:00.000Z',
        });
        const marked = await stored(documentId);

        await store.publishVersion(versionOf(documentId, 2), '2026-01-02T00:00:00.000Z');

        expect(marked.queuedInBulk).toBe(true);
        expect((await stored(documentId)).queuedInBulk).toBeUndefined();
      });

      it('does not let an older version replace a newer one', async () => {
        const { documentId } = await store.reserveVersion(tenant, 'Guide');
        await store.publishVersion(versionOf(documentId, 3), '2026-01-02T00:00:00.000Z');

        const late = await store.publishVersion(
          versionOf(documentId, 2),
          '2026-01-03T00:00:00.000Z',
        );

        expect(late).toMatchObject({ outcome: 'superseded', record: { version: 3 } });
      });

      it('publishes nothing for a document being deleted', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');
        const { version } = await store.reserveVersion(tenant, 'Guide');
        await store.markDeleting(tenant, record.documentId, '2026-01-01T00:01:00.000Z');

        const published = await store.publishVersion(
          versionOf(record.documentId, version),
          '2026-01-01T00:02:00.000Z',
        );

        expect(published).toEqual({ outcome: 'deleted' });
        expect(await store.get(tenant, record.documentId)).toMatchObject({
          status: 'deleting',
          version: 1,
        });
      });

      it('does not revive a document deleted after its version was reserved', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');
        const { version } = await store.reserveVersion(tenant, 'Guide');
        await store.delete(tenant, record.documentId);

        const published = await store.publishVersion(
          versionOf(record.documentId, version),
          '2026-01-01T00:02:00.000Z',
        );

        expect(published).toEqual({ outcome: 'deleted' });
        expect(await store.get(tenant, record.documentId)).toBeUndefined();
      });
    });

    describe('markDeleting', () => {
      it('turns the document into a deleting tombstone', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');

        const marked = await store.markDeleting(
          tenant,
          record.documentId,
          '2026-01-01T00:03:00.000Z',
        );

        expect(marked).toEqual(record);
        expect(await stored(record.documentId)).toEqual({
          ...record,
          status: 'deleting',
          updatedAt: '2026-01-01T00:03:00.000Z',
        });
      });

      it('answers undefined for a missing document, creating nothing', async () => {
        const missing = '00000000-0000-4000-8000-000000000000';

        expect(await store.markDeleting(tenant, missing, '2026-01-01T00:00:00.000Z')).toBe(
          undefined,
        );
        expect(await store.get(tenant, missing)).toBeUndefined();
      });
    });

    describe('restoreDeleting', () => {
      it('takes its tombstone back: the record is as it was, out of the pending index when done', async () => {
        const record = await create('Guide', '2020-01-01T00:00:00.000Z');
        await store.transition(tenant, record.documentId, 1, {
          status: 'ready',
          chunkCount: 2,
          at: '2020-01-01T00:00:01.000Z',
        });
        const ready = await stored(record.documentId);
        const replaced = await store.markDeleting(
          tenant,
          record.documentId,
          '2020-01-01T00:00:02.000Z',
        );

        const restored = await store.restoreDeleting(replaced!, '2020-01-01T00:00:02.000Z');

        expect(restored).toBe(true);
        expect(await stored(record.documentId)).toEqual(ready);
        const stale = await store.listStale('2020-01-01T00:00:09.000Z', 100);
        expect(stale.filter((item) => item.tenantId === tenant)).toEqual([]);
      });

      it('restores a pending version where the pending index had it', async () => {
        const record = await create('Guide', '2020-01-01T00:00:00.000Z');
        const replaced = await store.markDeleting(
          tenant,
          record.documentId,
          '2020-01-01T00:00:02.000Z',
        );

        await store.restoreDeleting(replaced!, '2020-01-01T00:00:02.000Z');

        const stale = await store.listStale('2020-01-01T00:00:01.000Z', 100);
        expect(stale.filter((item) => item.tenantId === tenant)).toEqual([record]);
      });

      it('leaves a tombstone another deletion wrote over, and one over a deletion', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');
        const replaced = await store.markDeleting(
          tenant,
          record.documentId,
          '2026-01-01T00:01:00.000Z',
        );
        const again = await store.markDeleting(
          tenant,
          record.documentId,
          '2026-01-01T00:02:00.000Z',
        );

        const first = await store.restoreDeleting(replaced!, '2026-01-01T00:01:00.000Z');
        const second = await store.restoreDeleting(again!, '2026-01-01T00:02:00.000Z');

        expect([first, second]).toEqual([false, false]);
        expect(await stored(record.documentId)).toMatchObject({ status: 'deleting' });
      });
    });

    describe('listStale', () => {
      it('lists queued, indexing and deleting documents changed before the instant, oldest first', async () => {
        const queued = await create(`Queued ${tenant}`, '2020-01-01T00:00:03.000Z');
        const indexing = await create(`Indexing ${tenant}`, '2020-01-01T00:00:00.000Z');
        await store.transition(tenant, indexing.documentId, 1, {
          status: 'indexing',
          at: '2020-01-01T00:00:02.000Z',
        });
        const deleting = await create(`Deleting ${tenant}`, '2020-01-01T00:00:00.000Z');
        await store.markDeleting(tenant, deleting.documentId, '2020-01-01T00:00:01.000Z');
        const ready = await create(`Ready ${tenant}`, '2020-01-01T00:00:00.000Z');
        await store.transition(tenant, ready.documentId, 1, {
          status: 'ready',
          chunkCount: 1,
          at: '2020-01-01T00:00:01.000Z',
        });
        await create(`Recent ${tenant}`, '2020-01-01T00:00:09.000Z');

        const stale = await store.listStale('2020-01-01T00:00:05.000Z', 100);
        const mine = stale.filter((record) => record.tenantId === tenant);

        expect(mine.map((record) => [record.documentId, record.status])).toEqual([
          [deleting.documentId, 'deleting'],
          [indexing.documentId, 'indexing'],
          [queued.documentId, 'queued'],
        ]);
      });

      it('returns at most the limit', async () => {
        for (let n = 0; n < 3; n += 1) await create(`Doc ${n}`, `2019-01-0${n + 1}T00:00:00.000Z`);

        expect(await store.listStale('2019-02-01T00:00:00.000Z', 2)).toHaveLength(2);
      });

      it('reads on past the last record of the previous page', async () => {
        const created = [];
        for (let n = 0; n < 3; n += 1) {
          created.push(await create(`Paged ${n}`, `2018-01-0${n + 1}T00:00:00.000Z`));
        }
        const first = await store.listStale('2018-02-01T00:00:00.000Z', 2);

        const next = await store.listStale('2018-02-01T00:00:00.000Z', 2, first.at(-1));

        expect(first.map((record) => record.documentId)).toEqual(
          created.slice(0, 2).map((record) => record.documentId),
        );
        expect(next.map((record) => record.documentId)).toEqual([created[2]!.documentId]);
      });
    });

    describe('findByTitle', () => {
      it('finds the document a title names, with its content and text hashes', async () => {
        const { documentId, version } = await store.reserveVersion(tenant, 'Guide');
        await store.publishVersion(
          versionOf(documentId, version, {
            contentHash: 'a'.repeat(64),
            textHash: 'b'.repeat(64),
            textKey: 'tenants/t/documents/d/v1.pages.json',
          }),
          '2026-01-01T00:00:00.000Z',
        );

        const found = await store.findByTitle(tenant, 'Guide');

        expect(found).toMatchObject({
          documentId,
          contentHash: 'a'.repeat(64),
          textHash: 'b'.repeat(64),
          textKey: 'tenants/t/documents/d/v1.pages.json',
        });
        expect(await store.findByTitle(tenant, 'Other')).toBeUndefined();
        expect(await store.findByTitle(`${tenant}-other`, 'Guide')).toBeUndefined();
      });
    });

    describe('get', () => {
      it("does not see another tenant's document", async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');

        expect(await store.get(`${tenant}-other`, record.documentId)).toBeUndefined();
      });
    });

    describe('list', () => {
      it('pages through the tenant’s documents newest first, with no cursor on the last page', async () => {
        const created = [];
        for (let day = 1; day <= 5; day += 1) {
          created.push(await create(`Doc ${day}`, `2026-01-0${day}T00:00:00.000Z`));
        }
        await store.reserveVersion(`${tenant}-other`, 'Foreign');

        const first = await store.list(tenant, { limit: 2 });
        const second = await store.list(tenant, { limit: 2, cursor: first.nextCursor! });
        const last = await store.list(tenant, { limit: 2, cursor: second.nextCursor! });

        expect([...first.items, ...second.items, ...last.items].map((r) => r.title)).toEqual([
          'Doc 5',
          'Doc 4',
          'Doc 3',
          'Doc 2',
          'Doc 1',
        ]);
        expect(last.nextCursor).toBeUndefined();
      });

      it('has no cursor when everything fits', async () => {
        await create('Only', '2026-01-01T00:00:00.000Z');

        expect(await store.list(tenant, { limit: 1 })).toEqual({
          items: [expect.objectContaining({ title: 'Only' })],
        });
      });

      it('keeps a document in its place when a new version is published', async () => {
        await create('Old', '2026-01-01T00:00:00.000Z');
        await create('New', '2026-01-02T00:00:00.000Z');
        await create('Old', '2026-01-03T00:00:00.000Z');

        const { items } = await store.list(tenant, { limit: 10 });

        expect(items.map((r) => [r.title, r.version])).toEqual([
          ['New', 1],
          ['Old', 2],
        ]);
      });

      it("never lists another tenant's documents", async () => {
        await create('Mine', '2026-01-01T00:00:00.000Z');

        expect((await store.list(`${tenant}-other`, { limit: 10 })).items).toEqual([]);
      });

      it('refuses a cursor it did not issue with a 400', async () => {
        await expect(
          store.list(tenant, { limit: 2, cursor: 'bm90LWEtY3Vyc29y' }),
        ).rejects.toMatchObject({
          status: 400,
        });
      });
    });

    describe('transition', () => {
      it('clears a re-index’s bulk mark on the version’s next change', async () => {
        const { documentId } = await store.reserveVersion(tenant, 'Guide');
        await store.publishVersion(versionOf(documentId, 1), '2026-01-01T00:00:00.000Z');
        await store.transition(tenant, documentId, 1, {
          status: 'queued',
          queuedInBulk: true,
          at: '2026-01-01T00:01:00.000Z',
        });

        await store.transition(tenant, documentId, 1, {
          status: 'queued',
          requeues: 1,
          at: '2026-01-01T00:02:00.000Z',
        });

        expect((await stored(documentId)).queuedInBulk).toBeUndefined();
      });

      it('changes the status of the current version', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');

        const changed = await store.transition(tenant, record.documentId, 1, {
          status: 'ready',
          chunkCount: 7,
          at: '2026-01-01T00:05:00.000Z',
        });

        expect(changed).toBe(true);
        expect(await store.get(tenant, record.documentId)).toMatchObject({
          status: 'ready',
          chunkCount: 7,
          updatedAt: '2026-01-01T00:05:00.000Z',
        });
      });

      it('clears a previous error and keeps the attempts when not given', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');
        await store.transition(tenant, record.documentId, 1, {
          status: 'failed',
          error: 'boom',
          attempts: 2,
          at: '2026-01-01T00:01:00.000Z',
        });

        await store.transition(tenant, record.documentId, 1, {
          status: 'ready',
          chunkCount: 1,
          at: '2026-01-01T00:02:00.000Z',
        });

        const stored = await store.get(tenant, record.documentId);
        expect(stored).not.toHaveProperty('error');
        expect(stored).toMatchObject({ status: 'ready', attempts: 2 });
      });

      it('refuses to change a superseded version or a missing document', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');
        await create('Guide', '2026-01-02T00:00:00.000Z');
        const change = { status: 'ready' as const, chunkCount: 1, at: '2026-01-03T00:00:00.000Z' };

        expect(await store.transition(tenant, record.documentId, 1, change)).toBe(false);
        expect(
          await store.transition(tenant, '00000000-0000-4000-8000-000000000000', 1, change),
        ).toBe(false);
        expect((await store.get(tenant, record.documentId))?.status).toBe('queued');
      });
    });

    describe('startIndexing', () => {
      it('marks the current version indexing and answers the record as it now stands', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');

        const started = await store.startIndexing(tenant, record.documentId, 1, {
          attempts: 2,
          at: '2026-01-01T00:05:00.000Z',
        });

        expect(started).toEqual({
          ...record,
          status: 'indexing',
          attempts: 2,
          updatedAt: '2026-01-01T00:05:00.000Z',
        });
        expect(await store.get(tenant, record.documentId)).toEqual(started);
      });

      it('answers undefined for a superseded version and leaves the record alone', async () => {
        const first = await create('Guide', '2026-01-01T00:00:00.000Z');
        const second = await create('Guide', '2026-01-02T00:00:00.000Z');

        const started = await store.startIndexing(tenant, first.documentId, 1, {
          attempts: 1,
          at: '2026-01-03T00:00:00.000Z',
        });

        expect(started).toBeUndefined();
        expect(await store.get(tenant, first.documentId)).toEqual(second);
      });

      it('answers undefined for a document being deleted', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');
        await store.markDeleting(tenant, record.documentId, '2026-01-01T00:01:00.000Z');

        const started = await store.startIndexing(tenant, record.documentId, 1, {
          attempts: 1,
          at: '2026-01-01T00:02:00.000Z',
        });

        expect(started).toBeUndefined();
        expect((await store.get(tenant, record.documentId))?.status).toBe('deleting');
      });

      it('answers undefined for a version already ready, and leaves it ready', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');
        await store.transition(tenant, record.documentId, 1, {
          status: 'ready',
          chunkCount: 3,
          at: '2026-01-01T00:01:00.000Z',
        });

        const started = await store.startIndexing(tenant, record.documentId, 1, {
          attempts: 1,
          at: '2026-01-01T00:02:00.000Z',
        });

        expect(started).toBeUndefined();
        expect(await store.get(tenant, record.documentId)).toMatchObject({
          status: 'ready',
          chunkCount: 3,
        });
      });

      it('starts a version the reconciler failed before any attempt, as its late job arrives', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');
        await store.transition(tenant, record.documentId, 1, {
          status: 'queued',
          requeues: 2,
          at: '2026-01-01T00:30:00.000Z',
        });
        await store.transition(tenant, record.documentId, 1, {
          status: 'failed',
          error: 'Indexing did not start',
          at: '2026-01-01T00:45:00.000Z',
        });

        const started = await store.startIndexing(tenant, record.documentId, 1, {
          attempts: 1,
          at: '2026-01-01T01:00:00.000Z',
        });

        expect(started).toMatchObject({ status: 'indexing', attempts: 1 });
        expect(started?.error).toBeUndefined();
      });

      it('answers undefined for a version that failed in an attempt, and leaves it failed', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');
        await store.transition(tenant, record.documentId, 1, {
          status: 'failed',
          error: 'No text',
          attempts: 1,
          at: '2026-01-01T00:01:00.000Z',
        });

        const started = await store.startIndexing(tenant, record.documentId, 1, {
          attempts: 2,
          at: '2026-01-01T00:02:00.000Z',
        });

        expect(started).toBeUndefined();
        expect(await store.get(tenant, record.documentId)).toMatchObject({
          status: 'failed',
          error: 'No text',
        });
      });

      it('answers undefined for a document that does not exist', async () => {
        const started = await store.startIndexing(
          tenant,
          '00000000-0000-4000-8000-000000000000',
          1,
          { attempts: 1, at: '2026-01-01T00:00:00.000Z' },
        );

        expect(started).toBeUndefined();
      });
    });

    describe('transition guards', () => {
      it('refuses to change a document being deleted', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');
        await store.markDeleting(tenant, record.documentId, '2026-01-01T00:01:00.000Z');

        const changed = await store.transition(tenant, record.documentId, 1, {
          status: 'ready',
          chunkCount: 3,
          at: '2026-01-01T00:02:00.000Z',
        });

        expect(changed).toBe(false);
        expect((await store.get(tenant, record.documentId))?.status).toBe('deleting');
      });

      it('applies a change guarded by ifUpdatedAt only while nothing else changed', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');
        await store.transition(tenant, record.documentId, 1, {
          status: 'indexing',
          at: '2026-01-01T00:01:00.000Z',
        });

        const stale = await store.transition(tenant, record.documentId, 1, {
          status: 'queued',
          requeues: 1,
          at: '2026-01-01T00:02:00.000Z',
          ifUpdatedAt: '2026-01-01T00:00:00.000Z',
        });
        const fresh = await store.transition(tenant, record.documentId, 1, {
          status: 'queued',
          requeues: 1,
          at: '2026-01-01T00:02:00.000Z',
          ifUpdatedAt: '2026-01-01T00:01:00.000Z',
        });

        expect([stale, fresh]).toEqual([false, true]);
        expect(await store.get(tenant, record.documentId)).toMatchObject({
          status: 'queued',
          requeues: 1,
        });
      });
    });

    describe('indexing parts', () => {
      const indexing = async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');
        await store.transition(tenant, record.documentId, 1, {
          status: 'indexing',
          at: '2026-01-01T00:01:00.000Z',
        });
        return record.documentId;
      };

      it('counts each part once, however often it completes', async () => {
        const id = await indexing();
        await store.startParts(tenant, id, 1, 3, '2026-01-01T00:02:00.000Z');

        const first = await store.completePart(tenant, id, 1, { part: 0, parts: 3 }, 'T1');
        const again = await store.completePart(tenant, id, 1, { part: 0, parts: 3 }, 'T2');
        const second = await store.completePart(tenant, id, 1, { part: 2, parts: 3 }, 'T3');

        expect([first, again, second]).toEqual([
          { done: 1, parts: 3 },
          { done: 1, parts: 3 },
          { done: 2, parts: 3 },
        ]);
        expect(await store.get(tenant, id)).toMatchObject({ parts: 3, partsDone: 2 });
      });

      it('counts every part of concurrent completions', async () => {
        const id = await indexing();
        await store.startParts(tenant, id, 1, 8, '2026-01-01T00:02:00.000Z');

        await Promise.all(
          Array.from({ length: 8 }, (_, part) =>
            store.completePart(tenant, id, 1, { part, parts: 8 }, 'T1'),
          ),
        );

        expect((await store.get(tenant, id))?.partsDone).toBe(8);
      });

      it('keeps a version whose parts make progress out of the stale list', async () => {
        const id = await indexing();
        await store.startParts(tenant, id, 1, 3, '2026-01-01T00:10:00.000Z');
        await store.completePart(tenant, id, 1, { part: 0, parts: 3 }, '2026-01-01T00:20:00.000Z');

        const stale = await store.listStale('2026-01-01T00:15:00.000Z', 100);

        expect(stale.map((record) => record.documentId)).not.toContain(id);
      });

      it('counts nothing for a failed, superseded or differently split version', async () => {
        const id = await indexing();
        await store.startParts(tenant, id, 1, 2, '2026-01-01T00:02:00.000Z');

        const otherSplit = await store.completePart(tenant, id, 1, { part: 0, parts: 3 }, 'T1');
        const otherVersion = await store.completePart(tenant, id, 2, { part: 0, parts: 2 }, 'T1');
        await store.transition(tenant, id, 1, { status: 'failed', error: 'part 1', at: 'T2' });
        const afterFailure = await store.completePart(tenant, id, 1, { part: 0, parts: 2 }, 'T3');

        expect([otherSplit, otherVersion, afterFailure]).toEqual([undefined, undefined, undefined]);
      });

      it('starts parts only on an indexing version, and a new split starts from none done', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');
        const queued = await store.startParts(tenant, record.documentId, 1, 2, 'T1');
        await store.transition(tenant, record.documentId, 1, { status: 'indexing', at: 'T2' });
        await store.startParts(tenant, record.documentId, 1, 2, 'T3');
        await store.completePart(tenant, record.documentId, 1, { part: 1, parts: 2 }, 'T4');

        const restarted = await store.startParts(tenant, record.documentId, 1, 2, 'T5');

        expect([queued, restarted]).toEqual([false, true]);
        expect(await store.get(tenant, record.documentId)).toMatchObject({
          parts: 2,
          partsDone: 0,
        });
      });

      it('forgets the split when a new version is published', async () => {
        const id = await indexing();
        await store.startParts(tenant, id, 1, 2, 'T1');
        const { version } = await store.reserveVersion(tenant, 'Guide');

        await store.publishVersion(versionOf(id, version), 'T2');
        const next = await stored(id);

        expect(next.parts).toBeUndefined();
        expect(next.partsDone).toBeUndefined();
      });
    });

    describe('transition ifStatus', () => {
      it('applies a change only from the given status', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');

        const fromIndexing = await store.transition(tenant, record.documentId, 1, {
          status: 'ready',
          chunkCount: 3,
          at: 'T1',
          ifStatus: 'indexing',
        });

        expect(fromIndexing).toBe(false);
        expect((await store.get(tenant, record.documentId))?.status).toBe('queued');
      });
    });

    describe('delete', () => {
      it('removes the record and frees the title', async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');

        const removed = await store.delete(tenant, record.documentId);
        const next = await store.reserveVersion(tenant, 'Guide');

        expect(removed).toEqual(record);
        expect(await store.get(tenant, record.documentId)).toBeUndefined();
        expect(next.documentId).not.toBe(record.documentId);
      });

      it("does not delete another tenant's document", async () => {
        const record = await create('Guide', '2026-01-01T00:00:00.000Z');

        expect(await store.delete(`${tenant}-other`, record.documentId)).toBeUndefined();
        expect(await store.get(tenant, record.documentId)).toBeDefined();
      });
    });
  });
};
