import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  type ServiceInputTypes,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDocumentStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-document-store.js';
import { UploadDocument } from '../../../../lambdas/core/ingestion/upload-document.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';
import { FakeBlobStore } from '../../../support/fakes/fake-blob-store.js';
import { FakeJobQueue } from '../../../support/fakes/fake-job-queue.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';
import { sectionedMarkdown } from '../../../support/ingestion-fixture.js';
import { testReaders } from '../../../support/readers.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite('publish-conflict');
});
afterAll(() => db.close());

/**
 * The DynamoDB document store over a client whose next `TransactWriteItems` is cancelled the
 * way DynamoDB cancels one that meets a concurrent transaction on the same item, or throttling
 * (reason codes `TransactionConflict` / `ThrottlingError`; the SDK does not retry
 * `TransactionCanceledException`).
 */
const world = () => {
  let cancelNext: string | undefined;
  const client = {
    send: async (command: { input: ServiceInputTypes }) => {
      if (command instanceof TransactWriteCommand && cancelNext) {
        const code = cancelNext;
        cancelNext = undefined;
        throw new TransactionCanceledException({
          message: `Transaction cancelled, please refer cancellation reasons for specific reasons [None, ${code}]`,
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: [{ Code: 'None' }, { Code: code }],
        });
      }
      return db.documentClient.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  const documents = new DynamoDbDocumentStore(client, db.tableName);
  const queue = new FakeJobQueue();
  const upload = new UploadDocument({
    documents,
    blobs: new FakeBlobStore(),
    queue,
    clock: new ManualClock(),
    maxBytes: 100_000,
    readers: testReaders,
  });
  const uploadText = (tenantId: string, text: string) =>
    upload.execute({
      tenantId,
      title: 'Guide',
      content: Buffer.from(text),
      contentType: 'text/markdown',
    });
  return {
    documents,
    queue,
    uploadText,
    cancelNextTransaction: (code: string) => {
      cancelNext = code;
    },
  };
};

describe('UploadDocument on DynamoDB when the publishing transaction is cancelled by a transient cause', () => {
  for (const code of ['TransactionConflict', 'ThrottlingError']) {
    it(`never answers a new version's upload as accepted without storing it (${code})`, async () => {
      const tenantId = `conflict-${code.toLowerCase()}`;
      const { documents, queue, uploadText, cancelNextTransaction } = world();
      const first = await uploadText(tenantId, sectionedMarkdown(2, 'old'));
      await documents.transition(tenantId, first.id, 1, {
        status: 'ready',
        chunkCount: 2,
        at: new Date().toISOString(),
      });
      const jobsBefore = queue.jobs.length;

      cancelNextTransaction(code);
      const outcome = await uploadText(tenantId, sectionedMarkdown(2, 'new')).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );

      // Acceptable: the upload fails (the client retries), or version 2 is published and queued.
      // Not acceptable: a 202 for the new text that answers version 1, with nothing queued.
      if (outcome.ok) {
        expect(outcome.value.version).toBe(2);
        expect((await documents.get(tenantId, first.id))?.version).toBe(2);
        expect(queue.jobs.length).toBe(jobsBefore + 1);
      } else {
        expect(outcome.error).toBeInstanceOf(Error);
      }
    });
  }
});
