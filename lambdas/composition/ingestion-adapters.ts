import { OnFirstUseVectorStore } from '../adapters/deferred/on-first-use-vector-store.js';
import { EntitiesReferenceLoader } from '../adapters/html/entities-reference-loader.js';
import { UnpdfReader } from '../adapters/pdf/unpdf-reader.js';
import { S3BlobStore } from '../adapters/s3/s3-blob-store.js';
import { S3UploadUrlSigner } from '../adapters/s3/s3-upload-url-signer.js';
import { SqsJobQueue } from '../adapters/sqs/sqs-job-queue.js';
import type { ExtractionReaders } from '../core/ingestion/extract-document.js';
import type { BlobStore } from '../core/ports/blob-store.js';
import type { Embedder } from '../core/ports/embedder.js';
import type { JobQueue } from '../core/ports/job-queue.js';
import type { UploadUrlSigner } from '../core/ports/upload-url-signer.js';
import type { VectorStore } from '../core/ports/vector-store.js';
import type { AiComponents } from './ai-components.js';
import { composePresignS3Client, composeS3Client, composeSqsClient } from './aws-clients.js';
import type { RuntimeConfig } from './runtime-config.js';
import { composeVectorStore, embeddingShape } from './vector-store.js';

/**
 * Adapters the ingestion functions take from their caller instead of building them: the local
 * stack passes its filesystem blob store and in-process queue; tests pass fakes.
 */
export interface IngestionAdapters {
  ai?: AiComponents;
  /** The vector store alone, when the caller has no other AI component to share. */
  vectors?: VectorStore;
  blobs?: BlobStore;
  queue?: JobQueue;
  /** Presigns direct uploads (the local stack signs for its own S3 endpoint). */
  uploadUrls?: UploadUrlSigner;
}

const required = (value: string, name: string): string => {
  if (value === '') throw new Error(`${name} must be set`);
  return value;
};

/**
 * The readers of documents: PDF through pdf.js (`unpdf`), pure JavaScript, and the decoder of
 * HTML's character references (`entities`); each package is imported on the first document
 * that needs it.
 */
export const composeReaders = (): ExtractionReaders => ({
  pdf: new UnpdfReader(),
  htmlReferences: new EntitiesReferenceLoader(),
});

/**
 * The vector store a caller shares (alone, or with its AI components), else the configured one
 * (Qdrant, or the embedded store locally) for vectors of `shape`.
 *
 * @example
 * const vectors = await composeIngestionVectorStore(config, adapters);
 */
export const composeIngestionVectorStore = async (
  config: RuntimeConfig,
  adapters: IngestionAdapters,
  shape: Pick<Embedder, 'model' | 'dimensions'> = embeddingShape(config),
): Promise<VectorStore> =>
  adapters.vectors ?? adapters.ai?.vectorStore ?? (await composeVectorStore(config, shape));

/**
 * The vector store a caller shares, else the configured one built on its first call
 * ({@link OnFirstUseVectorStore}): for the functions that use it on some requests only (the
 * documents function's deletes and chunk listings, the reconciler's halfway deletions), whose
 * cold starts then neither read Qdrant's key nor load the client.
 *
 * @example
 * const vectors = composeVectorStoreOnFirstUse(config, adapters);
 */
export const composeVectorStoreOnFirstUse = (
  config: RuntimeConfig,
  adapters: IngestionAdapters,
): VectorStore =>
  adapters.vectors ??
  adapters.ai?.vectorStore ??
  new OnFirstUseVectorStore(() => composeIngestionVectorStore(config, adapters));

/** The raw document store: the given one, else the S3 bucket `BUCKET_NAME`. */
export const composeBlobStore = (config: RuntimeConfig, given?: BlobStore): BlobStore =>
  given ?? new S3BlobStore(composeS3Client(config), required(config.BUCKET_NAME, 'BUCKET_NAME'));

/** The indexing queue: the given one, else the SQS queue `QUEUE_URL`. */
export const composeJobQueue = (config: RuntimeConfig, given?: JobQueue): JobQueue =>
  given ?? new SqsJobQueue(composeSqsClient(config), required(config.QUEUE_URL, 'QUEUE_URL'));

/** The signer of presigned upload URLs: the given one, else S3's presigner for `BUCKET_NAME`. */
export const composeUploadUrlSigner = (
  config: RuntimeConfig,
  given?: UploadUrlSigner,
): UploadUrlSigner =>
  given ??
  new S3UploadUrlSigner(
    composePresignS3Client(config),
    required(config.BUCKET_NAME, 'BUCKET_NAME'),
  );
