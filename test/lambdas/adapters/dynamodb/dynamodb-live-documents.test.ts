import { afterAll, beforeAll } from 'vitest';
import { DynamoDbDocumentStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-document-store.js';
import { DynamoDbLiveDocuments } from '../../../../lambdas/adapters/dynamodb/dynamodb-live-documents.js';
import { describeLiveDocumentsContract } from '../../../contracts/live-documents-contract.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.close());

describeLiveDocumentsContract('DynamoDbLiveDocuments', async () => ({
  documents: new DynamoDbDocumentStore(db.documentClient, db.tableName),
  live: new DynamoDbLiveDocuments(db.documentClient, db.tableName),
}));
