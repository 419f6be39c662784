import { join } from 'node:path';
import { QdrantClient } from '@qdrant/js-client-rest';
import type { EmbeddedVectorStoreOptions } from '../adapters/embedded/embedded-vector-store.js';
import { MigratingVectorStore } from '../adapters/migration/migrating-vector-store.js';
import { OFFLINE_EMBEDDING_MODEL } from '../adapters/offline/offline-embedding-model.js';
import { QdrantVectorStore } from '../adapters/qdrant/qdrant-vector-store.js';
import type { Embedder } from '../core/ports/embedder.js';
import type { VectorStore } from '../core/ports/vector-store.js';
import { apiKeyFromSecret, powertoolsSecretReader, type SecretReader } from './ai-secrets.js';
import { composeSecretsProvider } from './aws-clients.js';
import type { RuntimeConfig } from './runtime-config.js';

// The vector store's composition, apart from the models': the functions that only open the
// vector store (documents, reconciler) import this module, and so bundle no OpenAI SDK.

/** Which models answer: OpenAI (or an OpenAI-compatible server), or the offline provider. */
export type AiProvider = 'openai' | 'offline';

/** Options of {@link composeVectorStore}. */
export interface VectorStoreOptions {
  /** Folder where the embedded vector store keeps its file (memory only when absent). */
  dataDir?: string;
  /** Reads secrets by ARN (default: a Powertools `SecretsProvider`, cached `SECRETS_MAX_AGE_SECONDS`). */
  readSecret?: SecretReader;
}

/** A configuration value that is present and not empty. */
export const set = (value: string | undefined): value is string =>
  value !== undefined && value !== '';

/** The secret reader of `options`, else one on Powertools' cache (`SECRETS_MAX_AGE_SECONDS`). */
export const secretReader = (config: RuntimeConfig, options: VectorStoreOptions): SecretReader =>
  options.readSecret ??
  powertoolsSecretReader(composeSecretsProvider(config), config.SECRETS_MAX_AGE_SECONDS);

/**
 * The provider the configuration selects: OpenAI when an API key (or its secret) or
 * `OPENAI_BASE_URL` is set, otherwise the offline provider.
 *
 * @example
 * aiProvider(loadRuntimeConfig({ TABLE_NAME: 't' })); // 'offline'
 */
export const aiProvider = (config: RuntimeConfig): AiProvider =>
  set(config.OPENAI_API_KEY_SECRET_ARN) || set(config.OPENAI_API_KEY) || set(config.OPENAI_BASE_URL)
    ? 'openai'
    : 'offline';

/**
 * The model name and vector size of the embedder the configuration selects, without building
 * it (and so without reading the OpenAI key): what a function that only opens the vector store
 * needs. On AWS Lambda that is always the configured model (`EMBEDDING_MODEL`,
 * `EMBEDDING_DIMENSIONS`), even for a function given no OpenAI key.
 *
 * @example
 * const vectors = await composeVectorStore(config, embeddingShape(config));
 */
export const embeddingShape = (config: RuntimeConfig): Pick<Embedder, 'model' | 'dimensions'> =>
  set(process.env.AWS_LAMBDA_FUNCTION_NAME)
    ? { model: config.EMBEDDING_MODEL, dimensions: config.EMBEDDING_DIMENSIONS }
    : composedEmbedderShape(config);

/**
 * The model name and vector size of the embedder the configuration selects (the one
 * `composeEmbedder` builds), known without its key, so that the vector store (and its own
 * secret) can be composed at the same time as the embedder.
 *
 * @example
 * composedEmbedderShape(loadRuntimeConfig({ TABLE_NAME: 't', OPENAI_API_KEY: 'sk' })).dimensions; // 1536
 */
export const composedEmbedderShape = (
  config: RuntimeConfig,
): Pick<Embedder, 'model' | 'dimensions'> =>
  aiProvider(config) === 'offline'
    ? { model: OFFLINE_EMBEDDING_MODEL, dimensions: config.OFFLINE_EMBEDDING_DIMENSIONS }
    : { model: config.EMBEDDING_MODEL, dimensions: config.EMBEDDING_DIMENSIONS };

/**
 * The embedded vector store's options for `embedder`: its size, and its file under `dataDir`
 * (memory only without one), named after the embedder so that switching providers never mixes
 * vectors of two models.
 *
 * @example
 * new EmbeddedVectorStore(embeddedStoreOptions(embeddingShape(config), '.data'));
 */
export const embeddedStoreOptions = (
  embedder: Pick<Embedder, 'model' | 'dimensions'>,
  dataDir?: string,
): EmbeddedVectorStoreOptions => {
  const name = `vectors-${embedder.model.replace(/[^\w.-]+/g, '_')}-${embedder.dimensions}.ndjson`;
  return {
    dimensions: embedder.dimensions,
    ...(dataDir === undefined ? {} : { filePath: join(dataDir, name) }),
  };
};

/**
 * The vector store the configuration selects, sized for `embedder`: Qdrant at `QDRANT_URL`
 * (collection `QDRANT_COLLECTION`; with `QDRANT_PREVIOUS_COLLECTION`, a {@link MigratingVectorStore}
 * that also writes the previous single-vector collection and reads from it; key from `QDRANT_API_KEY_SECRET_ARN` or `QDRANT_API_KEY`,
 * `QDRANT_TIMEOUT_MS`), else the embedded store, kept under `options.dataDir` in a file named
 * after the embedder so that switching providers never mixes vectors of two models. The
 * embedded store is refused on AWS Lambda, where every container would have its own, before its
 * module is imported: the function bundles leave that module out.
 *
 * @example
 * const vectorStore = await composeVectorStore(config, embedder, { dataDir: '.data' });
 */
export const composeVectorStore = async (
  config: RuntimeConfig,
  embedder: Pick<Embedder, 'model' | 'dimensions'>,
  options: VectorStoreOptions = {},
): Promise<VectorStore> => {
  if (!set(config.QDRANT_URL)) {
    if (set(process.env.AWS_LAMBDA_FUNCTION_NAME)) {
      // Each container would index into and search its own memory: fail the init instead.
      throw new Error(
        'QDRANT_URL must be set on AWS Lambda: the embedded vector store is per process',
      );
    }
    // Imported here, off Lambda only: the function bundles leave it out (LOCAL_ONLY_MODULES).
    const { EmbeddedVectorStore } = await import('../adapters/embedded/embedded-vector-store.js');
    return new EmbeddedVectorStore(embeddedStoreOptions(embedder, options.dataDir));
  }
  const apiKey = set(config.QDRANT_API_KEY_SECRET_ARN)
    ? apiKeyFromSecret(await secretReader(config, options)(config.QDRANT_API_KEY_SECRET_ARN))
    : set(config.QDRANT_API_KEY)
      ? config.QDRANT_API_KEY
      : undefined;
  const client = new QdrantClient({
    url: config.QDRANT_URL,
    ...(apiKey === undefined ? {} : { apiKey }),
    timeout: config.QDRANT_TIMEOUT_MS,
    // The check is a fire-and-forget request at init that only warns on the console.
    checkCompatibility: false,
  });
  const store = new QdrantVectorStore(client, {
    collection: config.QDRANT_COLLECTION,
    dimensions: embedder.dimensions,
  });
  if (!set(config.QDRANT_PREVIOUS_COLLECTION)) return store;
  // A layout migration: write both collections, read the previous one until it is dropped.
  const previous = new QdrantVectorStore(client, {
    collection: config.QDRANT_PREVIOUS_COLLECTION,
    dimensions: embedder.dimensions,
    layout: 'single',
    createIfMissing: false,
  });
  return new MigratingVectorStore(store, previous);
};
