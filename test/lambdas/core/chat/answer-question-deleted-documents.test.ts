import { describe, expect, it } from 'vitest';
import { HashedFeatureEmbedder } from '../../../../lambdas/adapters/offline/hashed-feature-embedder.js';
import { AnswerQuestion } from '../../../../lambdas/core/chat/answer-question.js';
import { DependencyError } from '../../../../lambdas/core/dependency-error.js';
import { DeleteDocument } from '../../../../lambdas/core/ingestion/delete-document.js';
import { IndexDocument } from '../../../../lambdas/core/ingestion/index-document.js';
import { UploadDocument } from '../../../../lambdas/core/ingestion/upload-document.js';
import { FakeBlobStore } from '../../../support/fakes/fake-blob-store.js';
import { FakeChatModel } from '../../../support/fakes/fake-chat-model.js';
import { FakeJobQueue } from '../../../support/fakes/fake-job-queue.js';
import { FakeVectorStore } from '../../../support/fakes/fake-vector-store.js';
import { InMemoryDocumentStore } from '../../../support/fakes/in-memory-document-store.js';
import { InMemorySessionStore } from '../../../support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';
import { testReaders } from '../../../support/readers.js';

const TENANT = 'acme';
const QUESTION = 'What hydration should a sourdough loaf have?';
const SOURDOUGH =
  'Sourdough hydration: a sourdough loaf should have a hydration of 75 percent, water to flour.';
const COOKIES = 'Cookie parameters are declared with Cookie, the same way as Query parameters.';

/** The documents function, the indexer and the chat function over one set of stores. */
const setup = () => {
  const documents = new InMemoryDocumentStore();
  const blobs = new FakeBlobStore();
  const queue = new FakeJobQueue();
  const embedder = new HashedFeatureEmbedder();
  const vectors = new FakeVectorStore();
  const clock = new ManualClock();
  const model = new FakeChatModel({ defaultReply: 'An answer.' });
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
    sessions: new InMemorySessionStore(),
    embedder,
    vectors,
    documents,
    model,
    clock,
    settings: { topK: 3, minScore: -1, historyTokenBudget: 1_000 },
  });
  const indexed = async (title: string, text: string) => {
    const { id } = await upload.execute({
      tenantId: TENANT,
      title,
      content: Buffer.from(text),
      contentType: 'text/markdown',
    });
    await indexDocument.execute(queue.jobs.at(-1)!);
    return id;
  };
  const unavailable = () => new DependencyError('qdrant', 'unavailable', 'delete points');
  return { documents, vectors, deleteDocument, answers, model, indexed, unavailable };
};

describe('AnswerQuestion and deleted documents', () => {
  it('cites a ready document that answers the question', async () => {
    const { answers, indexed } = setup();
    const id = await indexed('Sourdough', SOURDOUGH);
    await indexed('Cookies', COOKIES);

    const answer = await answers.answer({ tenantId: TENANT, message: QUESTION });

    expect(answer.message.sources.map((source) => source.documentId)).toContain(id);
  });

  it('never cites a document being deleted whose chunks the vector store failed to remove', async () => {
    const { documents, vectors, deleteDocument, answers, model, indexed, unavailable } = setup();
    const id = await indexed('Sourdough', SOURDOUGH);
    await indexed('Cookies', COOKIES);
    vectors.deleteFailures.push(unavailable());
    await expect(deleteDocument.execute(TENANT, id)).rejects.toThrow(DependencyError);

    const answer = await answers.answer({ tenantId: TENANT, message: QUESTION });

    expect((await documents.get(TENANT, id))?.status).toBe('deleting');
    expect(await vectors.count(TENANT, id)).toBeGreaterThan(0);
    expect(answer.message.sources.map((source) => source.documentId)).not.toContain(id);
    expect(JSON.stringify(model.prompts[0])).not.toContain('75 percent');
  });

  it('never cites chunks left in the vector store of a document that no longer exists', async () => {
    const { documents, vectors, answers, model, indexed } = setup();
    const id = await indexed('Sourdough', SOURDOUGH);
    await indexed('Cookies', COOKIES);
    await documents.delete(TENANT, id);

    const answer = await answers.answer({ tenantId: TENANT, message: QUESTION });

    expect(await vectors.count(TENANT, id)).toBeGreaterThan(0);
    expect(answer.message.sources.map((source) => source.documentId)).not.toContain(id);
    expect(JSON.stringify(model.prompts[0])).not.toContain('75 percent');
  });

  it('cites the document uploaded again under the same title once its deletion finished', async () => {
    const { vectors, deleteDocument, answers, indexed, unavailable } = setup();
    const deleted = await indexed('Sourdough', SOURDOUGH);
    await indexed('Cookies', COOKIES);
    vectors.deleteFailures.push(unavailable());
    await deleteDocument.execute(TENANT, deleted).catch(() => undefined);
    await deleteDocument.execute(TENANT, deleted);

    const again = await indexed('Sourdough', SOURDOUGH);
    const answer = await answers.answer({ tenantId: TENANT, message: QUESTION });

    expect(again).not.toBe(deleted);
    expect(answer.message.sources.map((source) => source.documentId)).toContain(again);
  });
});
