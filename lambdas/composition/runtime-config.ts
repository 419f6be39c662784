import * as z from '../core/schemas/zod-mini.js';
import { cleartextUrlAdvice, sendsOverNetworkInCleartext } from './cleartext-url.js';
import { MAX_CHUNK_SIZE_TOKENS, maxChunkSizeReason } from './max-chunk-size.js';

const csv = z.pipe(
  z.string(),
  z.transform((value: string) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);

const flag = (fallback: 'true' | 'false') =>
  z.pipe(
    z._default(z.enum(['true', 'false', '1', '0']), fallback),
    z.transform((value: 'true' | 'false' | '1' | '0') => value === 'true' || value === '1'),
  );

/**
 * The environment every function reads at init. The CDK stack sets these variables; the dev
 * server sets the same ones for its embedded defaults. Secrets never appear here in plaintext:
 * only the ARNs of the Secrets Manager secrets that hold them.
 */
export const runtimeConfigSchema = z
  .object({
    SERVICE_NAME: z._default(z.string(), 'rag-api'),
    TABLE_NAME: z.string().check(z.minLength(1)),
    BUCKET_NAME: z._default(z.string(), ''),
    QUEUE_URL: z._default(z.string(), ''),
    DYNAMODB_ENDPOINT: z.optional(z.string()),
    QDRANT_URL: z._default(z.string(), ''),
    /**
     * The streaming function URL, which the public function's OpenAPI document gives as the
     * server of the streaming operations (and its docs page may connect to); unset: a variable.
     */
    STREAM_URL: z.optional(z.url({ protocol: /^https?$/ })),
    QDRANT_COLLECTION: z._default(z.string(), 'chunks'),
    /** During a layout migration: the previous (single-vector) collection, read until reindexed. */
    QDRANT_PREVIOUS_COLLECTION: z._default(z.string(), ''),
    QDRANT_API_KEY_SECRET_ARN: z.optional(z.string()),
    QDRANT_API_KEY: z.optional(z.string()),
    OPENAI_API_KEY_SECRET_ARN: z.optional(z.string()),
    OPENAI_API_KEY: z.optional(z.string()),
    OPENAI_BASE_URL: z.optional(z.string()),
    OPENAI_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 20_000),
    OPENAI_MAX_RETRIES: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 2),
    CHAT_MODEL: z._default(z.string(), 'gpt-4o-mini'),
    EMBEDDING_MODEL: z._default(z.string(), 'text-embedding-3-small'),
    EMBEDDING_DIMENSIONS: z._default(z.coerce.number().check(z.int(), z.positive()), 1536),
    SESSION_TTL_DAYS: z._default(z.coerce.number().check(z.positive()), 30),
    API_KEY_CACHE_TTL_SECONDS: z._default(z.coerce.number().check(z.minimum(0)), 60),
    CORS_ORIGINS: z._default(csv, []),
    MAX_BODY_BYTES: z._default(z.coerce.number().check(z.int(), z.positive()), 1_048_576),
    RETRIEVAL_TOP_K: z._default(z.coerce.number().check(z.int(), z.positive()), 5),
    RETRIEVAL_MIN_SCORE: z._default(z.coerce.number().check(z.minimum(-1), z.maximum(1)), 0.25),
    /** 0 sends no history with a question. */
    HISTORY_TOKEN_BUDGET: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 2_000),
    CHUNK_SIZE_TOKENS: z._default(z.coerce.number().check(z.int(), z.minimum(8)), 400),
    CHUNK_OVERLAP_TOKENS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 60),
    /** Largest document upload, in bytes (of the file or of the JSON `text`); beyond it, 413. */
    MAX_UPLOAD_BYTES: z._default(z.coerce.number().check(z.int(), z.positive()), 2_097_152),
    /** Largest file of a presigned upload or a drop folder, in bytes; beyond it, 413 or `failed`. */
    MAX_PRESIGNED_UPLOAD_BYTES: z._default(
      z.coerce.number().check(z.int(), z.positive()),
      52_428_800,
    ),
    /** How long a presigned upload URL stays valid, in s. */
    UPLOAD_URL_EXPIRY_SECONDS: z._default(
      z.coerce.number().check(z.int(), z.minimum(1), z.maximum(604_800)),
      900,
    ),
    /**
     * Most chunks one indexing job embeds: a larger document is split into parts of at most
     * this many chunks, indexed in parallel (separate queue messages).
     */
    INDEX_PART_CHUNKS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 256),
    /** Receives of an indexing message before it moves to the DLQ: the queue's `maxReceiveCount`. */
    MAX_RECEIVE_COUNT: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 5),
    /** A document `queued`, `indexing` or `deleting` unchanged this long is re-driven, in s. */
    RECONCILE_STALE_AFTER_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 900),
    /** Times the reconciler re-queues one version before marking it `failed`. */
    RECONCILE_MAX_REQUEUES: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 2),
    /** Embedding requests per minute one indexer container stays under (back-pressure). */
    EMBEDDING_REQUESTS_PER_MINUTE: z._default(z.coerce.number().check(z.positive()), 3_000),
    /** Embedding tokens per minute one indexer container stays under. */
    EMBEDDING_TOKENS_PER_MINUTE: z._default(z.coerce.number().check(z.positive()), 1_000_000),
    /** Embedding requests of one indexer batch in flight at once. */
    EMBEDDING_MAX_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.positive()), 4),
    /** Local stack: time between full rescans of the drop folders (`DATA_DIR/inbox`), in ms. */
    INBOX_RESCAN_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 5_000),
    /** Local stack: most messages per indexer batch (the event source mapping's batch size). */
    INDEXER_BATCH_SIZE: z._default(z.coerce.number().check(z.int(), z.positive()), 50),
    /** Local stack: how long a partial indexer batch waits for more messages, in ms. */
    INDEXER_BATCH_WINDOW_MS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 500),
    /** Per-request timeout of the Qdrant client, in ms. */
    QDRANT_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 5_000),
    /** Most time one AWS SDK call (DynamoDB, S3, SQS, Secrets Manager) may take, in ms. */
    AWS_REQUEST_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 5_000),
    /** Most time an AWS SDK client may take to connect, in ms. */
    AWS_CONNECTION_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 2_000),
    /** Attempts per AWS SDK call, the first included. */
    AWS_MAX_ATTEMPTS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 3),
    /** How long a secret read from Secrets Manager is reused before it is read again, in s. */
    SECRETS_MAX_AGE_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 300),
    /** Cap on the tokens of one answer (unset: the model's own limit). */
    CHAT_MAX_TOKENS: z.optional(z.coerce.number().check(z.int(), z.positive())),
    /** Sampling temperature (unset: the model's default; reasoning models accept no other). */
    CHAT_TEMPERATURE: z.optional(z.coerce.number().check(z.minimum(0), z.maximum(2))),
    /** Vector size of the offline provider's hashed-feature embeddings (`OFFLINE_EMBEDDING_DIMENSIONS` of the embedder). */
    OFFLINE_EMBEDDING_DIMENSIONS: z._default(z.coerce.number().check(z.int(), z.positive()), 4096),
    /** Pause before each word the offline provider streams, in ms (makes streaming visible). */
    OFFLINE_TOKEN_DELAY_MS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
    /**
     * Resumable streaming: answers are recorded and outlive their client (a disconnect no longer
     * aborts the model call; `POST /{chatId}/stop` does). `false` restores abort on disconnect.
     */
    RESUMABLE_STREAMS: flag('true'),
    /** Default limit of a tenant: limited requests (chat, stream, uploads) per minute. */
    TENANT_REQUESTS_PER_MINUTE: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 120),
    /** Default limit of a tenant: model tokens (prompt + completion) per UTC day. */
    TENANT_TOKENS_PER_DAY: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 200_000),
    /** Default limit of a tenant: answers streaming at once. */
    TENANT_CONCURRENT_STREAMS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 4),
    /**
     * Default limit of a tenant: resumes following an answer at once (`GET /{chatId}/stream`),
     * apart from the streams; each polls the table while it follows.
     */
    TENANT_CONCURRENT_FOLLOWERS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 8),
    /** How long a container reuses a tenant's limits before reading them again, in s. */
    TENANT_LIMITS_CACHE_TTL_SECONDS: z._default(z.coerce.number().check(z.minimum(0)), 60),
    /**
     * Requests one container may count without writing them (its local allowance): 0 makes
     * every limited request a conditional write. A limit may be overshot by containers × block.
     */
    TENANT_ALLOWANCE_REQUESTS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 10),
    /** Model tokens one container may count without writing them (0: every answer is written). */
    TENANT_ALLOWANCE_TOKENS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 5_000),
    /** Counts kept by a container's allowance are written once this old, in ms. */
    TENANT_ALLOWANCE_MAX_AGE_MS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 10_000),
    /** Items each usage counter is spread over (more for tenants hot enough to throttle one key). */
    USAGE_COUNTER_SHARDS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 1),
    /** `false` turns per-tenant limits off (every request admitted, nothing counted). */
    TENANT_LIMITS: flag('true'),
    /** Recorded answer parts expire this long after they are written, in s (above the stream timeout). */
    STREAM_LOG_TTL_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive()), 1_200),
    /** A recorded part is written at most this long after it was sent, in ms. */
    STREAM_FLUSH_INTERVAL_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 150),
    /**
     * On Lambda, open the connections to DynamoDB, the vector store and the model during init
     * (a cheap request each), so the first request does not pay their handshakes. `false`: not.
     */
    PRIME_CONNECTIONS: flag('true'),
    /** The longest init waits for those priming requests, in ms (they never fail the init). */
    PRIME_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 1_000),
  })
  .check(
    // What the embedder embeds whole: refused at start, not cut on every chunk's embedding.
    z.refine((config) => config.CHUNK_SIZE_TOKENS <= MAX_CHUNK_SIZE_TOKENS, {
      path: ['CHUNK_SIZE_TOKENS'],
      message: maxChunkSizeReason,
    }),
    // What the chunker accepts: refused at start, not on every document's indexing.
    z.refine((config) => config.CHUNK_OVERLAP_TOKENS * 2 < config.CHUNK_SIZE_TOKENS, {
      path: ['CHUNK_OVERLAP_TOKENS'],
      message:
        'must be under half of CHUNK_SIZE_TOKENS (each chunk repeats this many tokens of the one before)',
    }),
  );

/** Parsed runtime configuration. */
export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;

/** A runtime configuration a function must not run with. */
export class RuntimeConfigError extends Error {
  override readonly name = 'RuntimeConfigError';
}

/**
 * Reads and validates the runtime configuration; fails the init phase loudly when it is wrong.
 * A variable set to nothing (`KEY=` in `.env`, an unset shell variable) is taken as unset, so
 * it gets its default rather than 0 (which `Number('')` is: a tenant limit of 0 refuses all).
 * On AWS Lambda (`AWS_LAMBDA_FUNCTION_NAME` set), a plain `http://` `QDRANT_URL` or
 * `OPENAI_BASE_URL` to a host other than a loopback address is refused: the service's API key
 * would cross the network in clear text.
 *
 * @throws RuntimeConfigError naming `QDRANT_URL` or `OPENAI_BASE_URL` when it is such a URL on Lambda.
 * @example
 * const config = loadRuntimeConfig(process.env);
 */
export const loadRuntimeConfig = (env: Record<string, string | undefined>): RuntimeConfig => {
  const config = runtimeConfigSchema.parse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim() !== '')),
  );
  if (env.AWS_LAMBDA_FUNCTION_NAME?.trim()) {
    if (sendsOverNetworkInCleartext(config.QDRANT_URL)) {
      throw new RuntimeConfigError(
        `QDRANT_URL: ${cleartextUrlAdvice('Qdrant')}; deploy with -c qdrantUrl=https://...`,
      );
    }
    if (config.OPENAI_BASE_URL && sendsOverNetworkInCleartext(config.OPENAI_BASE_URL)) {
      throw new RuntimeConfigError(
        `OPENAI_BASE_URL: ${cleartextUrlAdvice('OpenAI')}; deploy with -c openAiBaseUrl=https://...`,
      );
    }
  }
  return config;
};
