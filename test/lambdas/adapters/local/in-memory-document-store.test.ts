import { describeDocumentStoreContract } from '../../../contracts/document-store-contract.js';
import { InMemoryDocumentStore } from '../../../support/fakes/in-memory-document-store.js';

describeDocumentStoreContract('InMemoryDocumentStore', async () => new InMemoryDocumentStore());
