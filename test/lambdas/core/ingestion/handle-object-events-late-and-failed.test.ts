import { describe, expect, it } from 'vitest';
import { inboxKey } from '../../../../lambdas/core/ingestion/object-keys.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';

const TEXT = sectionedMarkdown(2, 'inbox');

type Fixture = ReturnType<typeof ingestionFixture>;

/** Writes a drop-folder object and handles its created event at once. */
const write = async (fixture: Fixture, path: string, text: string) => {
  const key = inboxKey('acme', path);
  await fixture.blobs.put(key, Buffer.from(text), 'application/octet-stream');
  return fixture.objectEvents.execute({
    change: 'created',
    key,
    sizeBytes: Buffer.byteLength(text),
  });
};

/** Removes a drop-folder object and handles its removed event at once. */
const remove = async (fixture: Fixture, path: string) => {
  const key = inboxKey('acme', path);
  await fixture.blobs.delete(key);
  return fixture.objectEvents.execute({ change: 'removed', key });
};

describe('HandleObjectEvents on drop-folder files (review)', () => {
  it('indexes the small file that replaced an oversize one when the oversize event comes late', async () => {
    // Arrange: big.md was written too large, then overwritten with a good small file; S3
    // delivers the small file's event first and the oversize one late (events may be out of order).
    const fixture = ingestionFixture({ maxPresignedBytes: 1_000 });
    const key = inboxKey('acme', 'guide.md');
    const small = await write(fixture, 'guide.md', TEXT);

    // Act: the late event of the overwritten, oversize object
    await fixture.objectEvents.execute({ change: 'created', key, sizeBytes: 5_000 });

    // Assert: the present object is the small one: it stays, and so does its version
    expect(small).toMatchObject({ kind: 'queued', version: 1 });
    expect(await fixture.blobs.exists(key)).toBe(true);
    expect(await fixture.documents.findByTitle('acme', 'guide.md')).toMatchObject({
      version: 1,
      status: 'queued',
    });
  });

  it('deletes the document when a file that holds no text is removed', async () => {
    // Arrange: a file that was indexed, then overwritten with one holding no text (failed)
    const fixture = ingestionFixture();
    const created = (await write(fixture, 'notes.md', TEXT)) as { documentId: string };
    await fixture.indexDocument.execute(fixture.queue.jobs[0]!);
    await write(fixture, 'notes.md', '   \n');
    expect(await fixture.documents.findByTitle('acme', 'notes.md')).toMatchObject({
      status: 'failed',
    });

    // Act: the owner deletes the file (aws s3 sync --delete)
    const outcome = await remove(fixture, 'notes.md');

    // Assert: "deleting it deletes the document", chunks of its earlier version included
    expect(outcome).toMatchObject({ kind: 'deleted' });
    expect(await fixture.documents.get('acme', created.documentId)).toBeUndefined();
    expect(await fixture.vectors.count('acme', created.documentId)).toBe(0);
  });
});
