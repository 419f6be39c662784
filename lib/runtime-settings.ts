import { safeParse } from 'zod/mini';
import { runtimeConfigSchema } from '../lambdas/composition/runtime-config.js';

/** A runtime setting: an environment variable the functions read (`runtimeConfigSchema`). */
export type RuntimeSettingName = keyof typeof runtimeConfigSchema.shape;

/**
 * Runtime settings a deployment may set through the `runtimeSettings` context key, on every
 * function: those with no deployment key of their own and no resource of the stack tied to
 * them (the others are refused, see {@link REFUSED_RUNTIME_SETTINGS}).
 */
export const PASS_THROUGH_SETTINGS = [
  'OPENAI_TIMEOUT_MS',
  'OPENAI_MAX_RETRIES',
  'CHAT_MAX_TOKENS',
  'CHAT_TEMPERATURE',
  'QDRANT_TIMEOUT_MS',
  'MAX_UPLOAD_BYTES',
  'INDEX_PART_CHUNKS',
  'EMBEDDING_REQUESTS_PER_MINUTE',
  'EMBEDDING_TOKENS_PER_MINUTE',
  'EMBEDDING_MAX_CONCURRENCY',
  'RECONCILE_MAX_REQUEUES',
  'SECRETS_MAX_AGE_SECONDS',
  'AWS_REQUEST_TIMEOUT_MS',
  'AWS_CONNECTION_TIMEOUT_MS',
  'AWS_MAX_ATTEMPTS',
  'TENANT_LIMITS',
  'TENANT_LIMITS_CACHE_TTL_SECONDS',
  'USAGE_COUNTER_SHARDS',
  'STREAM_LOG_TTL_SECONDS',
  'STREAM_FLUSH_INTERVAL_MS',
  'PRIME_CONNECTIONS',
  'PRIME_TIMEOUT_MS',
] as const satisfies readonly RuntimeSettingName[];

const STACK = 'set by the stack';

/** Every other runtime setting, and why `runtimeSettings` may not set it. */
export const REFUSED_RUNTIME_SETTINGS: Readonly<
  Record<Exclude<RuntimeSettingName, (typeof PASS_THROUGH_SETTINGS)[number]>, string>
> = {
  SERVICE_NAME: `${STACK}; use appName`,
  TABLE_NAME: STACK,
  BUCKET_NAME: STACK,
  QUEUE_URL: STACK,
  DYNAMODB_ENDPOINT: 'local stack only',
  QDRANT_URL: `${STACK}; use qdrantUrl`,
  STREAM_URL: `${STACK}: the streaming function URL`,
  QDRANT_COLLECTION: `${STACK}; use qdrantCollection`,
  QDRANT_PREVIOUS_COLLECTION: `${STACK}; use qdrantPreviousCollection`,
  QDRANT_API_KEY_SECRET_ARN: `${STACK}; use qdrantSecretName`,
  QDRANT_API_KEY: 'a secret: put it in the secret named by qdrantSecretName',
  OPENAI_API_KEY_SECRET_ARN: `${STACK}; use openAiSecretName`,
  OPENAI_API_KEY: 'a secret: put it in the secret named by openAiSecretName',
  OPENAI_BASE_URL: `${STACK}; use openAiBaseUrl`,
  CHAT_MODEL: `${STACK}; use chatModel`,
  EMBEDDING_MODEL: `${STACK}; use embeddingModel`,
  EMBEDDING_DIMENSIONS: `${STACK}; use embeddingDimensions`,
  SESSION_TTL_DAYS: `${STACK}; use sessionTtlDays`,
  API_KEY_CACHE_TTL_SECONDS: `${STACK}; use apiKeyCacheTtlSeconds`,
  CORS_ORIGINS: `${STACK}; use corsOrigins`,
  MAX_BODY_BYTES: `${STACK}; use maxBodyBytes`,
  RETRIEVAL_TOP_K: `${STACK}; use retrievalTopK`,
  RETRIEVAL_MIN_SCORE: `${STACK}; use retrievalMinScore`,
  HISTORY_TOKEN_BUDGET: `${STACK}; use historyTokenBudget`,
  CHUNK_SIZE_TOKENS: `${STACK}; use chunkSizeTokens`,
  CHUNK_OVERLAP_TOKENS: `${STACK}; use chunkOverlapTokens`,
  MAX_PRESIGNED_UPLOAD_BYTES: `${STACK}; use maxPresignedUploadBytes`,
  UPLOAD_URL_EXPIRY_SECONDS: `${STACK}; use uploadUrlExpirySeconds`,
  MAX_RECEIVE_COUNT: "tied to the dead-letter queue's maxReceiveCount, which the stack sets",
  RECONCILE_STALE_AFTER_SECONDS: `${STACK}; use reconcileStaleAfterSeconds`,
  INBOX_RESCAN_MS: 'local stack only',
  INDEXER_BATCH_SIZE: 'local stack only; use indexerBatchSize',
  INDEXER_BATCH_WINDOW_MS: 'local stack only; use indexerBatchWindowSeconds',
  OFFLINE_EMBEDDING_DIMENSIONS: 'local stack only (the offline provider)',
  OFFLINE_TOKEN_DELAY_MS: 'local stack only (the offline provider)',
  RESUMABLE_STREAMS: `${STACK}; use resumableStreams`,
  TENANT_REQUESTS_PER_MINUTE: `${STACK}; use tenantRequestsPerMinute`,
  TENANT_TOKENS_PER_DAY: `${STACK}; use tenantTokensPerDay`,
  TENANT_CONCURRENT_STREAMS: `${STACK}; use tenantConcurrentStreams`,
  TENANT_CONCURRENT_FOLLOWERS: `${STACK}; use tenantConcurrentFollowers`,
  TENANT_ALLOWANCE_REQUESTS: `${STACK}; use tenantAllowanceRequests`,
  TENANT_ALLOWANCE_TOKENS: `${STACK}; use tenantAllowanceTokens`,
  TENANT_ALLOWANCE_MAX_AGE_MS: `${STACK}; use tenantAllowanceMaxAgeMs`,
};

const PASS_THROUGH = new Set<string>(PASS_THROUGH_SETTINGS);

/**
 * Largest `MAX_UPLOAD_BYTES` a deployment can honour: a file body reaches the function base64
 * encoded (4/3 of its size) inside an event of at most 6 MB (Lambda's request payload limit).
 */
export const MAX_DEPLOYED_UPLOAD_BYTES = 4 * 1024 * 1024;

/** Longest `PRIME_TIMEOUT_MS`: priming runs in Lambda's init, which has 10 s in all. */
export const MAX_DEPLOYED_PRIME_TIMEOUT_MS = 5_000;

/** Bounds the deployment adds to the functions' own check of a setting. */
const deploymentBound = (name: string, value: string): string | undefined => {
  if (name === 'MAX_UPLOAD_BYTES' && Number(value) > MAX_DEPLOYED_UPLOAD_BYTES) {
    return `${name}: at most ${MAX_DEPLOYED_UPLOAD_BYTES} in AWS (Lambda takes events of 6 MB, and the HTTP API sends a file base64-encoded); larger files go through POST /v1/uploads (maxPresignedUploadBytes)`;
  }
  if (name === 'PRIME_TIMEOUT_MS' && Number(value) > MAX_DEPLOYED_PRIME_TIMEOUT_MS) {
    return `${name}: at most ${MAX_DEPLOYED_PRIME_TIMEOUT_MS} (priming runs in Lambda's init, which has 10 s; a hanging dependency would fail every cold start)`;
  }
  return undefined;
};

/**
 * Checks the `runtimeSettings` context value: each name a {@link PASS_THROUGH_SETTINGS} entry,
 * each value one the functions accept (the runtime schema's own check of it). Returns the
 * problems, one line each; none when the settings are good.
 *
 * @example
 * runtimeSettingProblems({ CHAT_MAX_TOKENS: '800' }); // []
 * runtimeSettingProblems({ TABLE_NAME: 'x' }); // ['TABLE_NAME: set by the stack']
 */
export const runtimeSettingProblems = (settings: Record<string, string>): string[] =>
  Object.entries(settings).flatMap(([name, value]) => {
    if (!PASS_THROUGH.has(name)) {
      const reason = (REFUSED_RUNTIME_SETTINGS as Record<string, string>)[name];
      return [`${name}: ${reason ?? 'not a runtime setting'}`];
    }
    const schema = runtimeConfigSchema.shape[name as RuntimeSettingName];
    const parsed = safeParse(schema, value);
    if (!parsed.success) {
      return [`${name}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`];
    }
    const bound = deploymentBound(name, value);
    return bound ? [bound] : [];
  });
