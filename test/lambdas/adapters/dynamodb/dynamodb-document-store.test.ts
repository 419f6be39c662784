import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDocumentStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-document-store.js';
import { encodeCursor } from '../../../../lambdas/adapters/dynamodb/page-cursor.js';
import { IndexDocument } from '../../../../lambdas/core/ingestion/index-document.js';
import { UploadDocument } from '../../../../lambdas/core/ingestion/upload-document.js';
import { documentMetadataSchema } from '../../../../lambdas/core/schemas/documents.js';
import * as z from '../../../../lambdas/core/schemas/zod-mini.js';
import { describeDocumentStoreContract } from '../../../contracts/document-store-contract.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';
import { FakeBlobStore } from '../../../support/fakes/fake-blob-store.js';
import { FakeEmbedder } from '../../../support/fakes/fake-embedder.js';
import { FakeJobQueue } from '../../../support/fakes/fake-job-queue.js';
import { FakeVectorStore } from '../../../support/fakes/fake-vector-store.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';
import { testReaders } from '../../../support/readers.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.close());

describeDocumentStoreContract(
  'DynamoDbDocumentStore',
  async () => new DynamoDbDocumentStore(db.documentClient, db.tableName),
);

describe('DynamoDbDocumentStore', () => {
  it('creates one document when uploads of a new title race', async () => {
    const store = new DynamoDbDocumentStore(db.documentClient, db.tableName);
    const queue = new FakeJobQueue();
    const upload = new UploadDocument({
      documents: store,
      blobs: new FakeBlobStore(),
      queue,
      clock: new ManualClock(),
      maxBytes: 1_000,
      readers: testReaders,
    });

    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        upload.execute({
          tenantId: 'racer',
          title: 'Same title',
          content: Buffer.from(`version ${n}`),
          contentType: 'text/plain',
        }),
      ),
    );

    const ids = new Set(results.map((result) => result.id));
    expect(ids.size).toBe(1);
    const { items } = await store.list('racer', { limit: 10 });
    expect(items).toHaveLength(1);
    expect(items[0]!.version).toBe(8);
    expect(queue.jobs.some((job) => job.version === 8)).toBe(true);
  });

  it('stores the metadata numbers at the bounds the metadata schema accepts, exactly', async () => {
    const store = new DynamoDbDocumentStore(db.documentClient, db.tableName);
    const upload = new UploadDocument({
      documents: store,
      blobs: new FakeBlobStore(),
      queue: new FakeJobQueue(),
      clock: new ManualClock(),
      maxBytes: 1_000,
      readers: testReaders,
    });
    const metadata = z.parse(documentMetadataSchema, {
      largest: Number.MAX_SAFE_INTEGER,
      smallest: -Number.MAX_SAFE_INTEGER,
      tiniest: 1e-130,
      tiniestNegative: -1e-130,
      zero: 0,
    });

    const accepted = await upload.execute({
      tenantId: 'bounds',
      title: 'Metadata bounds',
      content: Buffer.from('# Bounds\n\nHello.'),
      contentType: 'text/markdown',
      metadata,
    });

    expect((await store.get('bounds', accepted.id))?.metadata).toEqual(metadata);
  });

  it("refuses a forged cursor that points into another tenant's listing", async () => {
    const store = new DynamoDbDocumentStore(db.documentClient, db.tableName);
    const forged = encodeCursor({
      pk: 'TENANT#victim#DOC#x',
      sk: 'DOC',
      gsi1pk: 'TENANT#victim#DOCS',
      gsi1sk: '2026#x',
    });

    await expect(store.list('attacker', { limit: 5, cursor: forged })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('names DynamoDB in the problem it raises when the table is unreachable', async () => {
    const store = new DynamoDbDocumentStore(db.documentClient, db.tableName);
    await db.stop();
    try {
      await expect(store.get('acme', '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject(
        {
          name: 'DependencyError',
          dependency: 'dynamodb',
        },
      );
    } finally {
      await db.start();
    }
  });
});

describe('DynamoDbDocumentStore calls per document', () => {
  /** The store on a client that records the name of every command sent through it. */
  const countedStore = () => {
    const commands: string[] = [];
    const client = db.newDocumentClient();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    return { store: new DynamoDbDocumentStore(client, db.tableName), commands };
  };

  const pipeline = () => {
    const { store, commands } = countedStore();
    const blobs = new FakeBlobStore();
    const queue = new FakeJobQueue();
    const clock = new ManualClock();
    const upload = new UploadDocument({
      documents: store,
      blobs,
      queue,
      clock,
      maxBytes: 10_000,
      readers: testReaders,
    });
    const indexDocument = new IndexDocument({
      documents: store,
      blobs,
      embedder: new FakeEmbedder(),
      vectors: new FakeVectorStore(),
      queue,
      clock,
      chunking: { maxTokens: 40, overlapTokens: 8 },
      readers: testReaders,
    });
    return { upload, indexDocument, queue, commands };
  };

  it('uploads a new title in three: title lookup, version reservation, publishing transaction', async () => {
    const { upload, commands } = pipeline();

    await upload.execute({
      tenantId: 'counted',
      title: 'Counted upload',
      content: Buffer.from('# Counted\n\nSome text.'),
      contentType: 'text/markdown',
    });

    expect(commands).toEqual(['GetItemCommand', 'UpdateItemCommand', 'TransactWriteItemsCommand']);
  });

  it('indexes a queued version in two: starting it and marking it ready', async () => {
    const { upload, indexDocument, queue, commands } = pipeline();
    await upload.execute({
      tenantId: 'counted',
      title: 'Counted index',
      content: Buffer.from('# Counted\n\nSome text to index.'),
      contentType: 'text/markdown',
    });
    commands.length = 0;

    const outcome = await indexDocument.execute(queue.jobs[0]!);

    expect(outcome).toMatchObject({ kind: 'indexed' });
    expect(commands).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
  });
});
