import { AcceptUpload } from '../../lambdas/core/ingestion/accept-upload.js';
import { DeleteDocument } from '../../lambdas/core/ingestion/delete-document.js';
import { HandleObjectEvents } from '../../lambdas/core/ingestion/handle-object-events.js';
import { IndexDocument } from '../../lambdas/core/ingestion/index-document.js';
import { uploadKey } from '../../lambdas/core/ingestion/object-keys.js';
import { RequestUpload } from '../../lambdas/core/ingestion/request-upload.js';
import { UploadDocument } from '../../lambdas/core/ingestion/upload-document.js';
import type { EmbeddingLimits } from '../../lambdas/core/ports/embedder.js';
import { FakeBlobStore } from './fakes/fake-blob-store.js';
import { FakeEmbedder } from './fakes/fake-embedder.js';
import { FakeJobQueue } from './fakes/fake-job-queue.js';
import { FakeUploadUrlSigner } from './fakes/fake-upload-url-signer.js';
import { FakeVectorStore } from './fakes/fake-vector-store.js';
import { InMemoryDocumentStore } from './fakes/in-memory-document-store.js';
import { ManualClock } from './fakes/manual-clock.js';
import { makePdf } from './pdf-fixture.js';
import { testReaders } from './readers.js';

/**
 * The ingestion use cases wired to fakes, sharing one set of stores, as the documents function
 * and the indexer share DynamoDB, S3, SQS and Qdrant.
 */
export const ingestionFixture = (
  options: {
    limits?: Partial<EmbeddingLimits>;
    maxUploadBytes?: number;
    partChunks?: number;
    /** `MAX_PRESIGNED_UPLOAD_BYTES` of presigned uploads and drop folders (default 1 MB). */
    maxPresignedBytes?: number;
    /** The indexer's `textCpuBudgetMs` (default `DEFAULT_TEXT_CPU_BUDGET_MS`). */
    textCpuBudgetMs?: number;
  } = {},
) => {
  const documents = new InMemoryDocumentStore();
  const blobs = new FakeBlobStore();
  const queue = new FakeJobQueue();
  const embedder = new FakeEmbedder(options.limits ? { limits: options.limits } : {});
  const vectors = new FakeVectorStore();
  const clock = new ManualClock();
  const upload = new UploadDocument({
    documents,
    blobs,
    queue,
    clock,
    maxBytes: options.maxUploadBytes ?? 100_000,
    readers: testReaders,
  });
  const indexDocument = new IndexDocument({
    documents,
    blobs,
    embedder,
    vectors,
    queue,
    clock,
    chunking: { maxTokens: 40, overlapTokens: 8 },
    readers: testReaders,
    ...(options.partChunks === undefined ? {} : { partChunks: options.partChunks }),
    ...(options.textCpuBudgetMs === undefined ? {} : { textCpuBudgetMs: options.textCpuBudgetMs }),
  });
  const deleteDocument = new DeleteDocument({ documents, blobs, vectors, queue, clock });
  const signer = new FakeUploadUrlSigner();
  const maxPresignedBytes = options.maxPresignedBytes ?? 1_000_000;
  const requestUpload = new RequestUpload({
    documents,
    signer,
    clock,
    maxBytes: maxPresignedBytes,
    expiresInSeconds: 900,
  });
  const acceptUpload = new AcceptUpload({
    documents,
    blobs,
    queue,
    clock,
    maxBytes: maxPresignedBytes,
  });
  const objectEvents = new HandleObjectEvents({
    documents,
    blobs,
    queue,
    uploadDocument: new UploadDocument({
      documents,
      blobs,
      queue,
      clock,
      maxBytes: maxPresignedBytes,
      readers: testReaders,
    }),
    deleteDocument,
    clock,
    maxBytes: maxPresignedBytes,
  });
  const uploadText = (title: string, text: string, tenantId = 'acme') =>
    upload.execute({ tenantId, title, content: Buffer.from(text), contentType: 'text/markdown' });
  const uploadPdf = (title: string, pages: readonly (readonly string[])[], tenantId = 'acme') =>
    upload.execute({ tenantId, title, content: makePdf(pages), contentType: 'application/pdf' });
  /** A presigned upload of `bytes` as Markdown whose object has arrived (its event handled). */
  const uploadPresigned = async (bytes: Buffer, title = 'notes.md', tenantId = 'acme') => {
    const requested = await requestUpload.execute({
      tenantId,
      title,
      contentType: 'text/markdown',
      contentLength: bytes.length,
    });
    const key = uploadKey(tenantId, requested.id, requested.version);
    await blobs.put(key, bytes, 'text/markdown');
    await objectEvents.execute({ change: 'created', key, sizeBytes: bytes.length });
    return requested;
  };
  return {
    uploadPdf,
    uploadPresigned,
    documents,
    blobs,
    queue,
    embedder,
    vectors,
    clock,
    upload,
    indexDocument,
    deleteDocument,
    signer,
    requestUpload,
    acceptUpload,
    objectEvents,
    uploadText,
  };
};

/** A Markdown document of `sections` sections, each long enough to be its own chunk. */
export const sectionedMarkdown = (sections: number, stem = 'topic') =>
  Array.from(
    { length: sections },
    (_, index) =>
      `## ${stem} ${index}\n\nThis paragraph explains ${stem} number ${index} in a few words.`,
  ).join('\n\n');
