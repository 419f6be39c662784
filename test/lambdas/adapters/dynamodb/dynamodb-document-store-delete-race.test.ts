import type { ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDocumentStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-document-store.js';
import { DeleteDocument } from '../../../../lambdas/core/ingestion/delete-document.js';
import { IndexDocument } from '../../../../lambdas/core/ingestion/index-document.js';
import { UploadDocument } from '../../../../lambdas/core/ingestion/upload-document.js';
import { HttpProblem } from '../../../../lambdas/core/problem.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';
import { FakeBlobStore } from '../../../support/fakes/fake-blob-store.js';
import { FakeEmbedder } from '../../../support/fakes/fake-embedder.js';
import { FakeJobQueue } from '../../../support/fakes/fake-job-queue.js';
import { FakeVectorStore } from '../../../support/fakes/fake-vector-store.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';
import { sectionedMarkdown } from '../../../support/ingestion-fixture.js';
import { testReaders } from '../../../support/readers.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.close());

/**
 * The real DynamoDB document store over a client that runs a hook right after the first
 * `DeleteItem` of a deletion (of the record, or of the title claim) has been answered, before
 * the second: another writer's work landing between the two requests.
 */
const world = (tenantId: string) => {
  let afterFirstRemoval: (() => Promise<void>) | undefined;
  const client = {
    send: async (command: { input: ServiceInputTypes }) => {
      const output: ServiceOutputTypes = await db.documentClient.send(command as never);
      if (command instanceof DeleteCommand && afterFirstRemoval) {
        const hook = afterFirstRemoval;
        afterFirstRemoval = undefined;
        await hook();
      }
      return output;
    },
  } as unknown as DynamoDBDocumentClient;
  const documents = new DynamoDbDocumentStore(client, db.tableName);
  const blobs = new FakeBlobStore();
  const queue = new FakeJobQueue();
  const vectors = new FakeVectorStore();
  const clock = new ManualClock();
  const upload = new UploadDocument({
    documents,
    blobs,
    queue,
    clock,
    maxBytes: 100_000,
    readers: testReaders,
  });
  const indexDocument = new IndexDocument({
    documents,
    blobs,
    embedder: new FakeEmbedder(),
    vectors,
    queue,
    clock,
    chunking: { maxTokens: 40, overlapTokens: 8 },
    readers: testReaders,
  });
  const deleteDocument = new DeleteDocument({ documents, blobs, vectors, clock });
  const uploadText = (text: string) =>
    upload.execute({
      tenantId,
      title: 'Guide',
      content: Buffer.from(text),
      contentType: 'text/markdown',
    });
  return {
    documents,
    blobs,
    queue,
    indexDocument,
    deleteDocument,
    uploadText,
    betweenRemovals: (hook: () => Promise<void>) => {
      afterFirstRemoval = hook;
    },
  };
};

/** What an upload ended with: its result, or the HTTP status it was refused with. */
const settle = <T>(work: Promise<T>) =>
  work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({
      ok: false as const,
      status: error instanceof HttpProblem ? error.status : undefined,
      error,
    }),
  );

describe('DynamoDbDocumentStore.delete racing an upload of the title', () => {
  it('never leaves two documents under one title when the upload lands between its two removals', async () => {
    // Arrange: "Guide" is indexed; a second upload of it lands between the deletion's two
    // removals (the record and the title claim).
    const tenantId = 'race-title';
    const w = world(tenantId);
    const first = await w.uploadText(sectionedMarkdown(2, 'old'));
    await w.indexDocument.execute(w.queue.jobs[0]!);
    let racing: Awaited<ReturnType<typeof settle>> | undefined;
    w.betweenRemovals(async () => {
      racing = await settle(w.uploadText(sectionedMarkdown(3, 'racing')));
    });

    // Act: the deletion, then a later upload of the same title.
    await w.deleteDocument.execute(tenantId, first.id);
    await w.uploadText(sectionedMarkdown(4, 'later'));

    // Assert: the racing upload is refused with 409 (`UploadDocument`: an upload racing a
    // delete is refused instead of reviving it), or, if it was stored, the title still
    // names its document, so the later upload is a new version of it, not a second "Guide".
    expect(racing).toBeDefined();
    if (racing?.ok === false) expect(racing.status).toBe(409);
    const { items } = await w.documents.list(tenantId, { limit: 10 });
    expect(items.filter((record) => record.title === 'Guide')).toHaveLength(1);
  });

  it("never removes the raw upload of a stored version when a slower upload is refused as 'deleted'", async () => {
    // Arrange: in the same window one upload publishes (reviving the document) and a slower
    // one reserves its version, then waits in its blob write until the title is freed.
    const tenantId = 'race-blob';
    const w = world(tenantId);
    const first = await w.uploadText(sectionedMarkdown(2, 'old'));
    await w.indexDocument.execute(w.queue.jobs[0]!);
    let releaseSlow!: () => void;
    let slowReachedPut!: () => void;
    const slowAtPut = new Promise<void>((resolve) => {
      slowReachedPut = resolve;
    });
    const put = w.blobs.put.bind(w.blobs);
    let slow: Promise<Awaited<ReturnType<typeof settle>>> | undefined;
    w.betweenRemovals(async () => {
      await w.uploadText(sectionedMarkdown(3, 'revived'));
      w.blobs.put = async (key, body, contentType) => {
        w.blobs.put = put;
        slowReachedPut();
        await new Promise<void>((resolve) => {
          releaseSlow = resolve;
        });
        return put(key, body, contentType);
      };
      slow = settle(w.uploadText(sectionedMarkdown(5, 'slow')));
      await slowAtPut;
    });

    // Act: the deletion finishes (the title is freed), then the slow upload goes on.
    await w.deleteDocument.execute(tenantId, first.id);
    releaseSlow();
    await slow;

    // Assert: whatever record the title's document holds has its raw upload in storage, so
    // its job can be indexed (a record must never point at missing text).
    const record = await w.documents.get(tenantId, first.id);
    if (record) {
      expect(await w.blobs.get(record.blobKey)).toBeDefined();
      const job = w.queue.jobs.at(-1)!;
      await expect(w.indexDocument.execute(job)).resolves.toMatchObject({ kind: 'indexed' });
    }
  });
});
