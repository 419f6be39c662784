import { z } from 'zod';

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/**
 * The environment every function reads at init. The CDK stack sets these variables; the dev
 * server sets the same ones for its embedded defaults. Secrets never appear here in plaintext:
 * only the ARNs of the Secrets Manager secrets that hold them.
 */
export const runtimeConfigSchema = z.object({
  SERVICE_NAME: z.string().default('rag-api'),
  TABLE_NAME: z.string().min(1),
  BUCKET_NAME: z.string().default(''),
  QUEUE_URL: z.string().default(''),
  DYNAMODB_ENDPOINT: z.string().optional(),
  QDRANT_URL: z.string().default(''),
  QDRANT_COLLECTION: z.string().default('chunks'),
  QDRANT_API_KEY_SECRET_ARN: z.string().optional(),
  QDRANT_API_KEY: z.string().optional(),
  OPENAI_API_KEY_SECRET_ARN: z.string().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().optional(),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).default(2),
  CHAT_MODEL: z.string().default('gpt-4o-mini'),
  EMBEDDING_MODEL: z.string().default('text-embedding-3-small'),
  EMBEDDING_DIMENSIONS: z.coerce.number().int().positive().default(1536),
  SESSION_TTL_DAYS: z.coerce.number().positive().default(30),
  API_KEY_CACHE_TTL_SECONDS: z.coerce.number().min(0).default(60),
  CORS_ORIGINS: csv.default([]),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  RETRIEVAL_TOP_K: z.coerce.number().int().positive().default(5),
  RETRIEVAL_MIN_SCORE: z.coerce.number().min(-1).max(1).default(0.25),
  HISTORY_TOKEN_BUDGET: z.coerce.number().int().positive().default(2_000),
  CHUNK_SIZE_TOKENS: z.coerce.number().int().positive().default(400),
  CHUNK_OVERLAP_TOKENS: z.coerce.number().int().min(0).default(60),
});

/** Parsed runtime configuration. */
export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;

/**
 * Reads and validates the runtime configuration; fails the init phase loudly when it is wrong.
 *
 * @example
 * const config = loadRuntimeConfig(process.env);
 */
export const loadRuntimeConfig = (env: Record<string, string | undefined>): RuntimeConfig =>
  runtimeConfigSchema.parse(env);
