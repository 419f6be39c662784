import { describeDocumentStoreContract } from '../../../contracts/document-store-contract.js';
import { describeLiveDocumentsContract } from '../../../contracts/live-documents-contract.js';
import { InMemoryDocumentStore } from '../../../support/fakes/in-memory-document-store.js';

describeDocumentStoreContract('InMemoryDocumentStore', async () => new InMemoryDocumentStore());

describeLiveDocumentsContract('InMemoryDocumentStore', async () => {
  const documents = new InMemoryDocumentStore();
  return { documents, live: documents };
});
