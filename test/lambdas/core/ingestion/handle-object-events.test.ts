import { describe, expect, it } from 'vitest';
import { DeleteDocument } from '../../../../lambdas/core/ingestion/delete-document.js';
import { HandleObjectEvents } from '../../../../lambdas/core/ingestion/handle-object-events.js';
import { inboxKey, uploadKey } from '../../../../lambdas/core/ingestion/object-keys.js';
import { afterFirstCall } from '../../../support/after-first-call.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';

const TEXT = sectionedMarkdown(2, 'inbox');

type Fixture = ReturnType<typeof ingestionFixture>;

/**
 * A handler on the fixture's stores whose document store runs `meanwhile` once, right after
 * the first call of `method` resolves: another event handled between two steps of this one.
 */
const racingHandler = (
  fixture: Fixture,
  method: 'findByTitle' | 'markDeleting',
  meanwhile: () => Promise<unknown>,
): HandleObjectEvents => {
  const documents = afterFirstCall(fixture.documents, method, meanwhile);
  const { blobs, queue, vectors, clock } = fixture;
  return new HandleObjectEvents({
    documents,
    blobs,
    queue,
    uploadDocument: fixture.upload,
    deleteDocument: new DeleteDocument({ documents, blobs, vectors, clock }),
    clock,
    maxBytes: 1_000_000,
  });
};

describe('HandleObjectEvents', () => {
  describe('a presigned upload arriving', () => {
    const arrived = async (options: { declared?: number; sent?: number } = {}) => {
      const fixture = ingestionFixture();
      const declared = options.declared ?? Buffer.byteLength(TEXT);
      const requested = await fixture.requestUpload.execute({
        tenantId: 'acme',
        title: 'handbook.md',
        contentType: 'text/markdown',
        contentLength: declared,
      });
      const key = uploadKey('acme', requested.id, requested.version);
      await fixture.blobs.put(key, Buffer.from(TEXT), 'text/markdown');
      const event = { change: 'created' as const, key, sizeBytes: options.sent ?? declared };
      return { ...fixture, requested, key, event };
    };

    it('queues the version that waited for it and sends its index job', async () => {
      const { objectEvents, documents, queue, requested, event } = await arrived();

      const outcome = await objectEvents.execute(event);

      expect(outcome).toEqual({ kind: 'queued', documentId: requested.id, version: 1 });
      expect((await documents.get('acme', requested.id))?.status).toBe('queued');
      expect(queue.jobs).toEqual([{ tenantId: 'acme', documentId: requested.id, version: 1 }]);
    });

    it('is indexed from the uploaded object like any other version', async () => {
      const { objectEvents, indexDocument, documents, queue, requested, event } = await arrived();
      await objectEvents.execute(event);

      await indexDocument.execute(queue.jobs[0]!);

      expect(await documents.get('acme', requested.id)).toMatchObject({
        status: 'ready',
        chunkCount: 2,
      });
    });

    it('fails the version and removes an object of another size than declared', async () => {
      const { objectEvents, documents, blobs, queue, requested, event, key } = await arrived({
        sent: 10,
      });

      const outcome = await objectEvents.execute(event);

      expect(outcome.kind).toBe('failed');
      expect(await documents.get('acme', requested.id)).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('not the'),
      });
      expect(await blobs.exists(key)).toBe(false);
      expect(queue.jobs).toEqual([]);
    });

    it('removes an upload that no document waits for (deleted meanwhile)', async () => {
      const { objectEvents, deleteDocument, blobs, queue, requested, event, key } = await arrived();
      await deleteDocument.execute('acme', requested.id);
      await blobs.put(key, Buffer.from(TEXT), 'text/markdown');

      const outcome = await objectEvents.execute(event);

      expect(outcome.kind).toBe('discarded');
      expect(blobs.keys()).toEqual([]);
      expect(queue.jobs).toEqual([]);
    });

    it('changes nothing on a repeated event once the version is indexed', async () => {
      const { objectEvents, indexDocument, documents, queue, requested, event } = await arrived();
      await objectEvents.execute(event);
      await indexDocument.execute(queue.jobs[0]!);

      const outcome = await objectEvents.execute(event);

      expect(outcome.kind).toBe('ignored');
      expect(queue.jobs).toHaveLength(1);
      expect((await documents.get('acme', requested.id))?.status).toBe('ready');
    });
  });

  describe('a drop-folder file', () => {
    const write = async (
      fixture: ReturnType<typeof ingestionFixture>,
      path: string,
      text: string,
    ) => {
      const key = inboxKey('acme', path);
      await fixture.blobs.put(key, Buffer.from(text), 'application/octet-stream');
      return fixture.objectEvents.execute({
        change: 'created',
        key,
        sizeBytes: Buffer.byteLength(text),
      });
    };

    it('becomes the document titled by its path, queued for indexing', async () => {
      const fixture = ingestionFixture();

      const outcome = await write(fixture, 'guides/setup.md', TEXT);

      expect(outcome).toMatchObject({ kind: 'queued', version: 1 });
      const record = await fixture.documents.findByTitle('acme', 'guides/setup.md');
      expect(record).toMatchObject({ status: 'queued', contentType: 'text/markdown' });
      expect(fixture.queue.jobs).toHaveLength(1);
    });

    it('takes in a file saved as UTF-16 with its byte order mark, and its text is indexed', async () => {
      const fixture = ingestionFixture();
      const key = inboxKey('acme', 'guides/setup.md');
      const bytes = Buffer.from(`\ufeff${TEXT}`, 'utf16le');
      await fixture.blobs.put(key, bytes, 'application/octet-stream');

      const outcome = await fixture.objectEvents.execute({
        change: 'created',
        key,
        sizeBytes: bytes.length,
      });
      const indexed = await fixture.indexDocument.execute(fixture.queue.jobs[0]!);

      expect(outcome).toMatchObject({ kind: 'queued', version: 1 });
      expect(indexed).toMatchObject({ kind: 'indexed', chunkCount: 2 });
    });

    it('makes a new version when overwritten, and none when written again unchanged', async () => {
      const fixture = ingestionFixture();
      await write(fixture, 'notes.txt', TEXT);

      const changed = await write(fixture, 'notes.txt', `${TEXT}\n\nOne more line.`);
      const same = await write(fixture, 'notes.txt', `${TEXT}\n\nOne more line.`);

      expect(changed).toMatchObject({ kind: 'queued', version: 2 });
      expect(same).toMatchObject({ kind: 'unchanged', version: 2 });
      expect(fixture.queue.jobs.map((job) => job.version)).toEqual([1, 2]);
    });

    it('records a file over the limit failed with the reason, and removes it', async () => {
      const fixture = ingestionFixture({ maxPresignedBytes: 100 });

      const outcome = await write(fixture, 'big.md', 'x'.repeat(101));

      expect(outcome.kind).toBe('failed');
      expect(await fixture.documents.findByTitle('acme', 'big.md')).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('MAX_PRESIGNED_UPLOAD_BYTES'),
      });
      expect(await fixture.blobs.exists(inboxKey('acme', 'big.md'))).toBe(false);
      expect(fixture.queue.jobs).toEqual([]);
    });

    it('keeps the failed record when the removal of the oversize file is notified', async () => {
      const fixture = ingestionFixture({ maxPresignedBytes: 100 });
      await write(fixture, 'big.md', 'x'.repeat(101));

      const outcome = await fixture.objectEvents.execute({
        change: 'removed',
        key: inboxKey('acme', 'big.md'),
      });

      expect(outcome.kind).toBe('ignored');
      expect(await fixture.documents.findByTitle('acme', 'big.md')).toMatchObject({
        status: 'failed',
      });
    });

    it('records a file that holds no text failed with the reason', async () => {
      const fixture = ingestionFixture();

      const outcome = await write(fixture, 'empty.md', '   \n');

      expect(outcome.kind).toBe('failed');
      expect(await fixture.documents.findByTitle('acme', 'empty.md')).toMatchObject({
        status: 'failed',
        error: 'The document holds no text to index',
      });
    });

    it('ignores a file of an unsupported type', async () => {
      const fixture = ingestionFixture();

      const outcome = await write(fixture, '.DS_Store', 'binary');

      expect(outcome.kind).toBe('ignored');
      expect(await fixture.documents.list('acme', { limit: 10 })).toEqual({ items: [] });
    });

    it('deletes the document when the file is removed', async () => {
      const fixture = ingestionFixture();
      const created = await write(fixture, 'notes.md', TEXT);
      await fixture.blobs.delete(inboxKey('acme', 'notes.md'));

      const outcome = await fixture.objectEvents.execute({
        change: 'removed',
        key: inboxKey('acme', 'notes.md'),
      });

      expect(outcome).toMatchObject({ kind: 'deleted' });
      expect(
        await fixture.documents.get('acme', (created as { documentId: string }).documentId),
      ).toBeUndefined();
    });

    it('deletes the document of a file whose name has runs of white space when it is removed', async () => {
      const fixture = ingestionFixture();
      const path = ' release  notes\t2.md';
      const created = await write(fixture, path, TEXT);
      await fixture.blobs.delete(inboxKey('acme', path));

      const outcome = await fixture.objectEvents.execute({
        change: 'removed',
        key: inboxKey('acme', path),
      });

      expect(outcome).toMatchObject({ kind: 'deleted' });
      expect(
        await fixture.documents.get('acme', (created as { documentId: string }).documentId),
      ).toBeUndefined();
    });

    it('records a refused file under the title its later good version gets', async () => {
      const fixture = ingestionFixture({ maxPresignedBytes: 1000 });
      const key = inboxKey('acme', 'big  file.md');
      await fixture.blobs.put(key, Buffer.alloc(5000, 'a'), 'text/markdown');
      const refused = await fixture.objectEvents.execute({
        change: 'created',
        key,
        sizeBytes: 5000,
      });

      const good = await write(fixture, 'big  file.md', TEXT);

      expect(good).toMatchObject({ documentId: (refused as { documentId: string }).documentId });
    });

    it('keeps the document when a late removal event finds the file written again', async () => {
      const fixture = ingestionFixture();
      await write(fixture, 'notes.md', TEXT);

      const outcome = await fixture.objectEvents.execute({
        change: 'removed',
        key: inboxKey('acme', 'notes.md'),
      });

      expect(outcome.kind).toBe('ignored');
      expect(await fixture.documents.findByTitle('acme', 'notes.md')).toBeDefined();
    });

    it('keeps the document that a file written again made while its old removal was handled', async () => {
      // Arrange: notes.md is indexed, then removed and written anew (an editor's save); the
      // removal's handler finds the key empty, and the new file's event is handled before it
      // goes on.
      const fixture = ingestionFixture();
      await write(fixture, 'notes.md', TEXT);
      await fixture.indexDocument.execute(fixture.queue.jobs[0]!);
      const key = inboxKey('acme', 'notes.md');
      await fixture.blobs.delete(key);
      const removal = racingHandler(fixture, 'findByTitle', () =>
        write(fixture, 'notes.md', `${TEXT}\n\nEdited.`),
      );

      // Act
      const outcome = await removal.execute({ change: 'removed', key });

      // Assert: the document of the file there now stays, at the new file's version
      expect(outcome.kind).toBe('ignored');
      expect(await fixture.documents.findByTitle('acme', 'notes.md')).toMatchObject({
        version: 2,
        status: 'queued',
      });
    });

    it('keeps the document, and its files, when the file is written again under the tombstone', async () => {
      // Arrange: the same file written back (same bytes) just as the removal tombstoned the
      // document: its event is refused (409) and redelivered later.
      const fixture = ingestionFixture();
      const created = (await write(fixture, 'notes.md', TEXT)) as { documentId: string };
      await fixture.indexDocument.execute(fixture.queue.jobs[0]!);
      const key = inboxKey('acme', 'notes.md');
      await fixture.blobs.delete(key);
      const refused: unknown[] = [];
      const removal = racingHandler(fixture, 'markDeleting', () =>
        write(fixture, 'notes.md', TEXT).catch((error: unknown) => refused.push(error)),
      );

      // Act
      const outcome = await removal.execute({ change: 'removed', key });
      const redelivered = await fixture.objectEvents.execute({
        change: 'created',
        key,
        sizeBytes: Buffer.byteLength(TEXT),
      });

      // Assert: the tombstone was taken back, nothing of the document removed
      expect(refused).toEqual([expect.objectContaining({ status: 409 })]);
      expect(outcome.kind).toBe('ignored');
      expect(redelivered).toMatchObject({ kind: 'unchanged', version: 1 });
      const record = await fixture.documents.get('acme', created.documentId);
      expect(record).toMatchObject({ status: 'ready', version: 1 });
      expect(await fixture.blobs.exists(record!.blobKey)).toBe(true);
      expect(await fixture.vectors.count('acme', created.documentId)).toBe(2);
    });

    it('skips a created event whose file is already gone', async () => {
      const fixture = ingestionFixture();

      const outcome = await fixture.objectEvents.execute({
        change: 'created',
        key: inboxKey('acme', 'gone.md'),
        sizeBytes: 10,
      });

      expect(outcome).toEqual({ kind: 'ignored', reason: 'the object is gone' });
    });

    describe('whose path a title would shorten or fold', () => {
      /** Two paths of nested folders, 400 characters long, the same but for the file's name. */
      const LONG_A = `${'handbook-section/'.repeat(24)}a.md`;
      const LONG_B = `${'handbook-section/'.repeat(24)}b.md`;
      const NFC = 'Résumé équipe.md'.normalize('NFC');
      const NFD = NFC.normalize('NFD');

      const documentIdOf = (outcome: unknown) => (outcome as { documentId: string }).documentId;
      const remove = async (fixture: Fixture, path: string) => {
        await fixture.blobs.delete(inboxKey('acme', path));
        return fixture.objectEvents.execute({ change: 'removed', key: inboxKey('acme', path) });
      };

      it('makes two documents of two long paths that share their first 300 characters', async () => {
        const fixture = ingestionFixture();

        const a = await write(fixture, LONG_A, `${TEXT}\n\nFile A.`);
        const b = await write(fixture, LONG_B, `${TEXT}\n\nFile B.`);

        expect(a).toMatchObject({ kind: 'queued', version: 1 });
        expect(b).toMatchObject({ kind: 'queued', version: 1 });
        expect(documentIdOf(b)).not.toBe(documentIdOf(a));
        expect((await fixture.documents.list('acme', { limit: 10 })).items).toHaveLength(2);
      });

      it('makes two documents of two paths that differ only in white space', async () => {
        const fixture = ingestionFixture();

        const single = await write(fixture, 'release notes.md', `${TEXT}\n\nSingle.`);
        const double = await write(fixture, 'release  notes.md', `${TEXT}\n\nDouble.`);

        expect(double).toMatchObject({ kind: 'queued', version: 1 });
        expect(documentIdOf(double)).not.toBe(documentIdOf(single));
        expect(await fixture.documents.findByTitle('acme', 'release notes.md')).toMatchObject({
          documentId: documentIdOf(single),
          version: 1,
        });
      });

      it('deletes only the document of the long-named file removed', async () => {
        const fixture = ingestionFixture();
        const a = await write(fixture, LONG_A, `${TEXT}\n\nFile A.`);
        const b = await write(fixture, LONG_B, `${TEXT}\n\nFile B.`);

        const outcome = await remove(fixture, LONG_A);

        expect(outcome).toMatchObject({ kind: 'deleted', documentId: documentIdOf(a) });
        expect(await fixture.documents.get('acme', documentIdOf(a))).toBeUndefined();
        expect(await fixture.documents.get('acme', documentIdOf(b))).toMatchObject({
          status: 'queued',
        });
      });

      it('keeps the document while the same name in the other Unicode form is still there', async () => {
        const fixture = ingestionFixture();
        const composed = await write(fixture, NFC, TEXT);
        await write(fixture, NFD, TEXT);

        const outcome = await remove(fixture, NFD);

        expect(outcome.kind).toBe('ignored');
        expect(await fixture.documents.get('acme', documentIdOf(composed))).toBeDefined();
      });
    });
  });

  it('ignores a drop-folder file under a folder that is not a tenant name', async () => {
    const fixture = ingestionFixture();
    const key = 'tenants/acme#DOC#x/inbox/guide.md';
    await fixture.blobs.put(key, Buffer.from(TEXT), 'text/markdown');

    const outcome = await fixture.objectEvents.execute({
      change: 'created',
      key,
      sizeBytes: Buffer.byteLength(TEXT),
    });

    expect(outcome.kind).toBe('ignored');
    expect(fixture.queue.jobs).toEqual([]);
    expect((await fixture.documents.list('acme#DOC#x', { limit: 10 })).items).toEqual([]);
  });

  it('ignores the raw versions the API writes itself', async () => {
    const fixture = ingestionFixture();
    const { id } = await fixture.uploadText('Guide', TEXT);

    const outcome = await fixture.objectEvents.execute({
      change: 'created',
      key: `tenants/acme/documents/${id}/v1`,
      sizeBytes: 10,
    });

    expect(outcome.kind).toBe('ignored');
    expect(fixture.queue.jobs).toHaveLength(1);
  });
});
