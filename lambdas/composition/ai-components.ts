import OpenAI from 'openai';
import { VERSION as OPENAI_SDK_VERSION } from 'openai/version';
import { OpenAiChatModel } from '../adapters/openai/openai-chat-model.js';
import { OpenAiEmbedder } from '../adapters/openai/openai-embedder.js';
import type { ChatModel } from '../core/ports/chat-model.js';
import type { Embedder } from '../core/ports/embedder.js';
import type { VectorStore } from '../core/ports/vector-store.js';
import { rotatingApiKey } from './ai-secrets.js';
import type { RuntimeConfig } from './runtime-config.js';
import {
  type AiProvider,
  aiProvider,
  composedEmbedderShape,
  composeVectorStore,
  secretReader,
  set,
  type VectorStoreOptions,
} from './vector-store.js';

export {
  type AiProvider,
  aiProvider,
  composedEmbedderShape,
  composeVectorStore,
  embeddedStoreOptions,
  embeddingShape,
  type VectorStoreOptions,
} from './vector-store.js';

/** The AI side of the API: embeddings, chat and the chunk index. */
export interface AiComponents {
  embedder: Embedder;
  chatModel: ChatModel;
  vectorStore: VectorStore;
  provider: AiProvider;
}

/** Options of {@link composeAi} and the per-part builders. */
export interface ComposeAiOptions extends VectorStoreOptions {
  /** An OpenAI client to reuse instead of building one. */
  openai?: OpenAI;
  /** A vector store to use instead of composing one (the local stack's, run in a thread of its own). */
  vectorStore?: VectorStore;
}

/** A placeholder key for OpenAI-compatible servers that need none (Ollama, vLLM, LM Studio). */
export const NO_API_KEY = 'no-api-key';

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
    // The SDK builds its User-Agent from its class name, which the minified bundles rename.
    defaultHeaders: { 'User-Agent': `OpenAI/JS ${OPENAI_SDK_VERSION}` },
  });
};

/**
 * Refuses the offline provider on AWS Lambda, before its adapters are imported: the function
 * bundles leave them out (`LOCAL_ONLY_MODULES`, `lib/bundling.ts`), and the stack gives every
 * function that calls a model an OpenAI key (`OPENAI_API_KEY_SECRET_ARN`).
 */
const refuseOfflineOnLambda = (): void => {
  if (set(process.env.AWS_LAMBDA_FUNCTION_NAME)) {
    throw new Error(
      'OPENAI_API_KEY_SECRET_ARN, OPENAI_API_KEY or OPENAI_BASE_URL must be set on AWS Lambda: ' +
        'the offline provider runs in the local stack only',
    );
  }
};

const usesOpenAiItself = (config: RuntimeConfig): boolean =>
  !set(config.OPENAI_BASE_URL) || new URL(config.OPENAI_BASE_URL).hostname === 'api.openai.com';

/**
 * The embedder the configuration selects: {@link OpenAiEmbedder} (`EMBEDDING_MODEL`,
 * `EMBEDDING_DIMENSIONS`) or the offline `HashedFeatureEmbedder`
 * (`OFFLINE_EMBEDDING_DIMENSIONS`; off AWS Lambda only, imported on first use). The indexer
 * needs only this and the vector store.
 *
 * @example
 * const embedder = await composeEmbedder(config);
 */
export const composeEmbedder = async (
  config: RuntimeConfig,
  options: ComposeAiOptions = {},
): Promise<Embedder> => {
  if (aiProvider(config) === 'offline') {
    refuseOfflineOnLambda();
    // Imported here, off Lambda only: the function bundles leave it out (LOCAL_ONLY_MODULES).
    const { HashedFeatureEmbedder } = await import(
      '../adapters/offline/hashed-feature-embedder.js'
    );
    return new HashedFeatureEmbedder({ dimensions: config.OFFLINE_EMBEDDING_DIMENSIONS });
  }
  return new OpenAiEmbedder(options.openai ?? (await composeOpenAiClient(config, options)), {
    model: config.EMBEDDING_MODEL,
    dimensions: config.EMBEDDING_DIMENSIONS,
  });
};

/**
 * The chat model the configuration selects: {@link OpenAiChatModel} (`CHAT_MODEL`,
 * `CHAT_MAX_TOKENS`, `CHAT_TEMPERATURE`; `max_tokens` instead of `max_completion_tokens` for
 * OpenAI-compatible servers) or the offline `ExtractiveChatModel` (off AWS Lambda only,
 * imported on first use).
 *
 * @example
 * const chatModel = await composeChatModel(config);
 */
export const composeChatModel = async (
  config: RuntimeConfig,
  options: ComposeAiOptions = {},
): Promise<ChatModel> => {
  if (aiProvider(config) === 'offline') {
    refuseOfflineOnLambda();
    // Imported here, off Lambda only: the function bundles leave it out (LOCAL_ONLY_MODULES).
    const { ExtractiveChatModel } = await import('../adapters/offline/extractive-chat-model.js');
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
 * Builds the AI components once per container (the Lambda init phase), from configuration:
 * OpenAI or the offline provider (see {@link aiProvider}), one shared OpenAI client, and
 * Qdrant or the embedded vector store. Secrets are read here, through Powertools' cache, the
 * OpenAI key's and Qdrant's at the same time (one round trip of a cold start instead of two).
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
  const [openai, vectorStore] = await Promise.all([
    provider === 'openai' && options.openai === undefined
      ? composeOpenAiClient(config, options)
      : options.openai,
    options.vectorStore ?? composeVectorStore(config, composedEmbedderShape(config), options),
  ]);
  const shared: ComposeAiOptions = openai === undefined ? options : { ...options, openai };
  const embedder = await composeEmbedder(config, shared);
  const chatModel = await composeChatModel(config, shared);
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
  // Off Lambda only, like the store itself (the function bundles leave its module out).
  const { EmbeddedVectorStore } = await import('../adapters/embedded/embedded-vector-store.js');
  if (ai.vectorStore instanceof EmbeddedVectorStore) await ai.vectorStore.flush();
};
