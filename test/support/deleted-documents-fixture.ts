import { HashedFeatureEmbedder } from '../../lambdas/adapters/offline/hashed-feature-embedder.js';
import { AnswerQuestion } from '../../lambdas/core/chat/answer-question.js';
import { DeleteDocument } from '../../lambdas/core/ingestion/delete-document.js';
import { IndexDocument } from '../../lambdas/core/ingestion/index-document.js';
import { UploadDocument } from '../../lambdas/core/ingestion/upload-document.js';
import type { LiveDocuments } from '../../lambdas/core/ports/live-documents.js';
import { FakeBlobStore } from './fakes/fake-blob-store.js';
import { FakeChatModel } from './fakes/fake-chat-model.js';
import { FakeJobQueue } from './fakes/fake-job-queue.js';
import { FakeVectorStore } from './fakes/fake-vector-store.js';
import { InMemoryDocumentStore } from './fakes/in-memory-document-store.js';
import { InMemorySessionStore } from './fakes/in-memory-session-store.js';
import { ManualClock } from './fakes/manual-clock.js';
import { testReaders } from './readers.js';

/**
 * The documents function, the indexer and the chat over one set of stores, with the offline
 * embedder (so that a question finds its document by its words), every passage citable
 * (`minScore: -1`), and `indexed(title, text)` to upload and index a Markdown document of
 * `tenantId`. The chat reads liveness through `liveness(documents, model)` (the document store
 * itself by default).
 *
 * @example
 * const { answers, indexed, deleteDocument } = deletedDocumentsFixture({ tenantId: 'acme' });
 */
export const deletedDocumentsFixture = (options: {
  tenantId: string;
  model?: FakeChatModel;
  liveness?: (documents: InMemoryDocumentStore, model: FakeChatModel) => LiveDocuments;
}) => {
  const documents = new InMemoryDocumentStore();
  const blobs = new FakeBlobStore();
  const queue = new FakeJobQueue();
  const embedder = new HashedFeatureEmbedder();
  const vectors = new FakeVectorStore();
  const sessions = new InMemorySessionStore();
  const clock = new ManualClock();
  const model = options.model ?? new FakeChatModel({ defaultReply: 'An answer.' });
  const upload = new UploadDocument({
    documents,
    blobs,
    queue,
    clock,
    maxBytes: 10_000,
    readers: testReaders,
  });
  const indexDocument = new IndexDocument({
    documents,
    blobs,
    embedder,
    vectors,
    queue,
    clock,
    chunking: { maxTokens: 200, overlapTokens: 20 },
    readers: testReaders,
  });
  const deleteDocument = new DeleteDocument({ documents, blobs, vectors, queue, clock });
  const answers = new AnswerQuestion({
    sessions,
    embedder,
    vectors,
    documents: options.liveness?.(documents, model) ?? documents,
    model,
    clock,
    settings: { topK: 3, minScore: -1, historyTokenBudget: 1_000 },
  });
  const indexed = async (title: string, text: string) => {
    const { id } = await upload.execute({
      tenantId: options.tenantId,
      title,
      content: Buffer.from(text),
      contentType: 'text/markdown',
    });
    await indexDocument.execute(queue.jobs.at(-1)!);
    return id;
  };
  return { documents, vectors, sessions, model, deleteDocument, answers, indexed };
};

/**
 * A `liveness` for {@link deletedDocumentsFixture} that answers from the document store and
 * records the ids each read asked about.
 *
 * @example
 * const { liveness, asked } = recordedLiveness();
 * const fixture = deletedDocumentsFixture({ tenantId: 'acme', liveness });
 */
export const recordedLiveness = () => {
  const asked: string[][] = [];
  const liveness = (documents: InMemoryDocumentStore): LiveDocuments => ({
    liveAmong: async (tenantId, documentIds) => {
      asked.push([...documentIds]);
      return documents.liveAmong(tenantId, documentIds);
    },
  });
  return { liveness, asked };
};
