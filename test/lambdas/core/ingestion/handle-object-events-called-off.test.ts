import { describe, expect, it } from 'vitest';
import { DeleteDocument } from '../../../../lambdas/core/ingestion/delete-document.js';
import { HandleObjectEvents } from '../../../../lambdas/core/ingestion/handle-object-events.js';
import { inboxKey } from '../../../../lambdas/core/ingestion/object-keys.js';
import { afterFirstCall } from '../../../support/after-first-call.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';

type Fixture = ReturnType<typeof ingestionFixture>;

/** A handler on the fixture's stores that runs `meanwhile` right after its first `markDeleting`. */
const racingRemoval = (fixture: Fixture, meanwhile: () => Promise<unknown>): HandleObjectEvents => {
  const documents = afterFirstCall(fixture.documents, 'markDeleting', meanwhile);
  const { blobs, queue, vectors, clock } = fixture;
  return new HandleObjectEvents({
    documents,
    blobs,
    queue,
    uploadDocument: fixture.upload,
    deleteDocument: new DeleteDocument({ documents, blobs, vectors, queue, clock }),
    clock,
    maxBytes: 1_000_000,
  });
};

const write = async (fixture: Fixture, path: string, text: string) => {
  const key = inboxKey('acme', path);
  await fixture.blobs.put(key, Buffer.from(text), 'application/octet-stream');
  return fixture.objectEvents.execute({
    change: 'created',
    key,
    sizeBytes: Buffer.byteLength(text),
  });
};

describe('HandleObjectEvents: a drop-folder removal called off while its version is indexed', () => {
  it('queues the version again, so the kept document ends ready with its chunks', async () => {
    // Arrange: notes.md v1 is ready; it is edited (v2 queued) and its indexer is mid-embedding
    // when a sync tool replaces the file by a delete + write (the removal event comes first).
    const fixture = ingestionFixture();
    const first = sectionedMarkdown(2, 'alpha');
    const edited = sectionedMarkdown(2, 'beta');
    const created = (await write(fixture, 'notes.md', first)) as { documentId: string };
    const documentId = created.documentId;
    await fixture.indexDocument.execute(fixture.queue.jobs[0]!);
    await write(fixture, 'notes.md', edited);
    const v2Job = fixture.queue.jobs[1]!;
    expect(v2Job.version).toBe(2);

    const key = inboxKey('acme', 'notes.md');
    await fixture.blobs.delete(key);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let blocked = false;
    fixture.embedder.onCall = async () => {
      if (blocked) return;
      blocked = true;
      await gate;
    };
    const indexing = fixture.indexDocument.execute(v2Job);
    while (!blocked) await new Promise((resolve) => setImmediate(resolve));

    // Under the removal's tombstone: the file is written back and the indexer finishes.
    const removal = racingRemoval(fixture, async () => {
      await fixture.blobs.put(key, Buffer.from(edited), 'application/octet-stream');
      release();
      await indexing;
    });

    // Act: the removal, then the re-creation's event, then every job queued since
    const outcome = await removal.execute({ change: 'removed', key });
    const recreated = await fixture.objectEvents.execute({
      change: 'created',
      key,
      sizeBytes: Buffer.byteLength(edited),
    });
    for (const job of fixture.queue.jobs.slice(2)) await fixture.indexDocument.execute(job);

    // Assert: the removal was called off (the document is kept) ...
    expect(outcome).toMatchObject({ kind: 'ignored', reason: 'the file was written again since' });
    expect(recreated.kind).toBe('unchanged');
    const record = await fixture.documents.get('acme', documentId);
    // ... and ends indexed, with its chunks: the run that met the tombstone removed them all,
    // and the version stayed `indexing` with no job until the reconciler's turn.
    expect({
      status: record?.status,
      chunks: await fixture.vectors.count('acme', documentId),
    }).toEqual({
      status: 'ready',
      chunks: 2,
    });
  });
});
