import { DynamoDbApiKeyStore } from '../adapters/dynamodb/dynamodb-api-key-store.js';
import { DynamoDbDocumentStore } from '../adapters/dynamodb/dynamodb-document-store.js';
import { DeleteDocument } from '../core/ingestion/delete-document.js';
import { RequestUpload } from '../core/ingestion/request-upload.js';
import { UploadDocument } from '../core/ingestion/upload-document.js';
import { systemClock } from '../core/ports/clock.js';
import type { DocumentStore } from '../core/ports/document-store.js';
import type { VectorStore } from '../core/ports/vector-store.js';
import type { HttpHandlerOptions } from '../http/create-http-handler.js';
import {
  composeBlobStore,
  composeJobQueue,
  composeReaders,
  composeUploadUrlSigner,
  composeVectorStoreOnFirstUse,
  type IngestionAdapters,
} from './ingestion-adapters.js';
import { PRIMING_KEY_HASH, primeAtLambdaInit } from './prime-connections.js';
import type { RuntimeConfig } from './runtime-config.js';
import { composeShared, type SharedComponents } from './shared.js';

/** Dependencies of the documents function. */
export interface DocumentsApiDeps {
  /** The standard HTTP options; `maxBodyBytes` must leave room for `maxUploadBytes` plus framing. */
  http: Omit<HttpHandlerOptions, 'routes' | 'fallback'>;
  documents: DocumentStore;
  uploadDocument: Pick<UploadDocument, 'execute'>;
  /** Hands out presigned upload URLs (`POST /v1/uploads`). */
  requestUpload: Pick<RequestUpload, 'execute'>;
  deleteDocument: Pick<DeleteDocument, 'execute'>;
  /** The chunk index, read by `GET /v1/documents/{id}/chunks`. */
  chunks: Pick<VectorStore, 'listDocumentChunks'>;
  /** Largest accepted file (or JSON `text`), in bytes. */
  maxUploadBytes: number;
  /** Time kept in reserve before the function's timeout to answer with a problem (default 1 s). */
  budgetMarginMs?: number;
}

/** Room for a multipart envelope or JSON escaping around an upload of the largest size. */
const FRAMING_BYTES = 65_536;

/**
 * The request body limit of the documents function: room for the largest upload, base64- or
 * JSON-escaped, plus framing, and never below the stack's general limit.
 */
export const documentsBodyLimit = (
  config: Pick<RuntimeConfig, 'MAX_UPLOAD_BYTES'>,
  generalLimit: number,
): number => Math.max(generalLimit, 2 * config.MAX_UPLOAD_BYTES + FRAMING_BYTES);

/**
 * Composes the documents function's dependencies, once per container: the document store on
 * the table, the raw uploads in S3 (`BUCKET_NAME`), the indexing queue in SQS (`QUEUE_URL`),
 * the presigner of upload URLs (files up to `MAX_PRESIGNED_UPLOAD_BYTES`, URLs valid
 * `UPLOAD_URL_EXPIRY_SECONDS`) and the vector store (for deletes and chunk listings, built on
 * their first call: `composeVectorStoreOnFirstUse`), unless `adapters` provides them. The function's body limit
 * is raised to fit an upload of `MAX_UPLOAD_BYTES`; the exact limit is enforced per file.
 *
 * @example
 * const deps = await composeDocumentsApi(loadRuntimeConfig(process.env));
 */
export const composeDocumentsApi = async (
  config: RuntimeConfig,
  shared: SharedComponents = composeShared(config),
  adapters: IngestionAdapters = {},
): Promise<DocumentsApiDeps> => {
  const documents = new DynamoDbDocumentStore(shared.dynamo, config.TABLE_NAME);
  const blobs = composeBlobStore(config, adapters.blobs);
  const queue = composeJobQueue(config, adapters.queue);
  // Only deletes and chunk listings use the vector store: it is built on their first call.
  const vectorStore = composeVectorStoreOnFirstUse(config, adapters);
  // An upload's first call is the API key lookup; S3 and SQS follow on other hosts.
  await primeAtLambdaInit(
    config,
    {
      dynamodb: () =>
        new DynamoDbApiKeyStore(shared.dynamo, config.TABLE_NAME).findByHash(PRIMING_KEY_HASH),
    },
    shared.logger,
  );
  return {
    http: {
      ...shared.http,
      maxBodyBytes: documentsBodyLimit(config, shared.http.maxBodyBytes),
    },
    documents,
    uploadDocument: new UploadDocument({
      documents,
      blobs,
      queue,
      clock: systemClock,
      maxBytes: config.MAX_UPLOAD_BYTES,
      readers: composeReaders(),
    }),
    requestUpload: new RequestUpload({
      documents,
      signer: composeUploadUrlSigner(config, adapters.uploadUrls),
      clock: systemClock,
      maxBytes: config.MAX_PRESIGNED_UPLOAD_BYTES,
      expiresInSeconds: config.UPLOAD_URL_EXPIRY_SECONDS,
    }),
    deleteDocument: new DeleteDocument({
      documents,
      blobs,
      vectors: vectorStore,
      clock: systemClock,
    }),
    chunks: vectorStore,
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
  };
};
