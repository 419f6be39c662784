import { join } from 'node:path';
import { QdrantClient } from '@qdrant/js-client-rest';
import OpenAI from 'openai';
import {
  EmbeddedVectorStore,
  type EmbeddedVectorStoreOptions,
} from '../adapters/embedded/embedded-vector-store.js';
import { MigratingVectorStore } from '../adapters/migration/migrating-vector-store.js';
import { ExtractiveChatModel } from '../adapters/offline/extractive-chat-model.js';
import { HashedFeatureEmbedder } from '../adapters/offline/hashed-feature-embedder.js';
import { OpenAiChatModel } from '../adapters/openai/openai-chat-model.js';
import { OpenAiEmbedder } from '../adapters/openai/openai-embedder.js';
import { QdrantVectorStore } from '../adapters/qdrant/qdrant-vector-store.js';
import type { ChatModel } from '../core/ports/chat-model.js';
import type { Embedder } from '../core/ports/embedder.js';
import type { VectorStore } from '../core/ports/vector-store.js';
import {
  apiKeyFromSecret,
  powertoolsSecretReader,
  rotatingApiKey,
  type SecretReader,
} from './ai-secrets.js';
import { composeSecretsProvider } from './aws-clients.js';
import type { RuntimeConfig } from './runtime-config.js';

/** Which models answer: OpenAI (or an OpenAI-compatible server), or the offline provider. */
export type AiProvider = 'openai' | 'offline';

/** The AI side of the API: embeddings, chat and the chunk index. */
export interface AiComponents {
  embedder: Embedder;
  chatModel: ChatModel;
  vectorStore: VectorStore;
  provider: AiProvider;
}

/** Options of {@link composeAi} and the per-part builders. */
export interface ComposeAiOptions {
  /** Folder where the embedded vector store keeps its file (memory only when absent). */
  dataDir?: string;
  /** Reads secrets by ARN (default: a Powertools `SecretsProvider`, cached `SECRETS_MAX_AGE_SECONDS`). */
  readSecret?: SecretReader;
  /** An OpenAI client to reuse instead of building one. */
  openai?: OpenAI;
  /** A vector store to use instead of composing one (the local stack's, run in a thread of its own). */
  vectorStore?: VectorStore;
}

/** A placeholder key for OpenAI-compatible servers that need none (Ollama, vLLM, LM Studio). */
export const NO_API_KEY = 'no-api-key';

const set = (value: string | undefined): value is string => value !== undefined && value !== '';

const secretReader = (config: RuntimeConfig, options: ComposeAiOptions): SecretReader =>
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
 * Builds the OpenAI client with explicit `timeout` and `maxRetries` (the SDK retries 408, 409,
 * 429 and 5xx and connection failures, honouring `Retry-After`) and `OPENAI_BASE_URL`. The key
 * comes from the secret `OPENAI_API_KEY_SECRET_ARN` (re-read through the reader's cache, so a
 * rotation is picked up), else `OPENAI_API_KEY`, else a placeholder for keyless servers.
 *
 * @example
 * const openai = await composeOpenAiClient(config);
 */
export const composeOpenAiClient = async (
  config: RuntimeConfig,
  options: ComposeAiOptions = {},
): Promise<OpenAI> => {
  const apiKey = set(config.OPENAI_API_KEY_SECRET_ARN)
    ? await rotatingApiKey(secretReader(config, options), config.OPENAI_API_KEY_SECRET_ARN)
    : set(config.OPENAI_API_KEY)
      ? config.OPENAI_API_KEY
      : NO_API_KEY;
  return new OpenAI({
    apiKey,
    baseURL: set(config.OPENAI_BASE_URL) ? config.OPENAI_BASE_URL : null,
    timeout: config.OPENAI_TIMEOUT_MS,
    maxRetries: config.OPENAI_MAX_RETRIES,
  });
};

const usesOpenAiItself = (config: RuntimeConfig): boolean =>
  !set(config.OPENAI_BASE_URL) || new URL(config.OPENAI_BASE_URL).hostname === 'api.openai.com';

/**
 * The embedder the configuration selects: {@link OpenAiEmbedder} (`EMBEDDING_MODEL`,
 * `EMBEDDING_DIMENSIONS`) or the offline {@link HashedFeatureEmbedder}
 * (`OFFLINE_EMBEDDING_DIMENSIONS`). The indexer needs only this and the vector store.
 *
 * @example
 * const embedder = await composeEmbedder(config);
 */
export const composeEmbedder = async (
  config: RuntimeConfig,
  options: ComposeAiOptions = {},
): Promise<Embedder> =>
  aiProvider(config) === 'offline'
    ? new HashedFeatureEmbedder({ dimensions: config.OFFLINE_EMBEDDING_DIMENSIONS })
    : new OpenAiEmbedder(options.openai ?? (await composeOpenAiClient(config, options)), {
        model: config.EMBEDDING_MODEL,
        dimensions: config.EMBEDDING_DIMENSIONS,
      });

/**
 * The chat model the configuration selects: {@link OpenAiChatModel} (`CHAT_MODEL`,
 * `CHAT_MAX_TOKENS`, `CHAT_TEMPERATURE`; `max_tokens` instead of `max_completion_tokens` for
 * OpenAI-compatible servers) or the offline {@link ExtractiveChatModel}.
 *
 * @example
 * const chatModel = await composeChatModel(config);
 */
export const composeChatModel = async (
  config: RuntimeConfig,
  options: ComposeAiOptions = {},
): Promise<ChatModel> => {
  if (aiProvider(config) === 'offline') {
    return new ExtractiveChatModel({ tokenDelayMs: config.OFFLINE_TOKEN_DELAY_MS });
  }
  return new OpenAiChatModel(options.openai ?? (await composeOpenAiClient(config, options)), {
    model: config.CHAT_MODEL,
    ...(config.CHAT_MAX_TOKENS === undefined ? {} : { maxTokens: config.CHAT_MAX_TOKENS }),
    ...(config.CHAT_TEMPERATURE === undefined ? {} : { temperature: config.CHAT_TEMPERATURE }),
    maxTokensField: usesOpenAiItself(config) ? 'max_completion_tokens' : 'max_tokens',
    streamIdleTimeoutMs: config.OPENAI_TIMEOUT_MS,
  });
};

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
  aiProvider(config) === 'offline' && !set(process.env.AWS_LAMBDA_FUNCTION_NAME)
    ? new HashedFeatureEmbedder({ dimensions: config.OFFLINE_EMBEDDING_DIMENSIONS })
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
 * embedded store is refused on AWS Lambda, where every container would have its own.
 *
 * @example
 * const vectorStore = await composeVectorStore(config, embedder, { dataDir: '.data' });
 */
export const composeVectorStore = async (
  config: RuntimeConfig,
  embedder: Pick<Embedder, 'model' | 'dimensions'>,
  options: ComposeAiOptions = {},
): Promise<VectorStore> => {
  if (!set(config.QDRANT_URL)) {
    if (set(process.env.AWS_LAMBDA_FUNCTION_NAME)) {
      // Each container would index into and search its own memory: fail the init instead.
      throw new Error(
        'QDRANT_URL must be set on AWS Lambda: the embedded vector store is per process',
      );
    }
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
  });
  return new MigratingVectorStore(store, previous);
};

/**
 * Builds the AI components once per container (the Lambda init phase), from configuration:
 * OpenAI or the offline provider (see {@link aiProvider}), one shared OpenAI client, and
 * Qdrant or the embedded vector store. Secrets are read here, through Powertools' cache.
 * Nothing is called over the network except the secret reads; the vector store prepares its
 * collection on first use.
 *
 * @example
 * const ai = await composeAi(loadRuntimeConfig(process.env));
 * // local stack: one instance shared by every function, persisted under the data folder
 * const local = await composeAi(config, { dataDir: '.data' });
 */
export const composeAi = async (
  config: RuntimeConfig,
  options: ComposeAiOptions = {},
): Promise<AiComponents> => {
  const provider = aiProvider(config);
  const shared: ComposeAiOptions =
    provider === 'openai' && options.openai === undefined
      ? { ...options, openai: await composeOpenAiClient(config, options) }
      : options;
  const embedder = await composeEmbedder(config, shared);
  const chatModel = await composeChatModel(config, shared);
  const vectorStore = options.vectorStore ?? (await composeVectorStore(config, embedder, shared));
  return { embedder, chatModel, vectorStore, provider };
};

/**
 * Resolves once the AI components' local state is on disk: the embedded vector store's pending
 * change log. A no-op for Qdrant. The local stack calls it before it exits.
 *
 * @example
 * process.once('SIGINT', async () => {
 *   await flushAi(ai);
 *   process.exit(0);
 * });
 */
export const flushAi = async (ai: Pick<AiComponents, 'vectorStore'>): Promise<void> => {
  if (ai.vectorStore instanceof EmbeddedVectorStore) await ai.vectorStore.flush();
};
