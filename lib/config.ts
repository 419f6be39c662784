import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';
import {
  cleartextUrlAdvice,
  sendsOverNetworkInCleartext,
} from '../lambdas/composition/cleartext-url.js';
import {
  MAX_CHUNK_SIZE_TOKENS,
  maxChunkSizeReason,
} from '../lambdas/composition/max-chunk-size.js';
import { PASS_THROUGH_SETTINGS, runtimeSettingProblems } from './runtime-settings.js';

const RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

/**
 * A number from cdk.json (a number) or from `-c key=value` (text). Blank text and `null` are
 * refused: `Number('')` is 0, and an unset shell variable (`-c tenantRequestsPerMinute=$RPM`)
 * would deploy a limit of 0.
 */
const numeric = z.union(
  [
    z.number(),
    z
      .string()
      .trim()
      .min(1)
      .transform(Number)
      .pipe(z.number({ error: 'must be a number' })),
  ],
  { error: 'must be a number (leave the key out for its default)' },
);

const integer = (min: number, max: number, overMax?: string) =>
  numeric.pipe(
    z
      .number()
      .int()
      .min(min)
      .max(max, overMax === undefined ? undefined : { error: overMax }),
  );

/** `true`/`false` from cdk.json (booleans) or from `-c key=value` (strings). */
const flag = z.union(
  [z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')],
  { error: 'must be true or false' },
);

const origin = z
  .string()
  .regex(/^(\*|https?:\/\/[^/\s]+)$/, 'must be * or an origin such as https://app.example.com');

/** A list from cdk.json (array) or from `-c corsOrigins=a,b` (comma-separated string). */
const originList = z
  .union([
    z.array(z.string()),
    z.string().transform((value) => value.split(',').map((item) => item.trim())),
  ])
  .transform((items) => items.filter(Boolean))
  .pipe(z.array(origin).min(1));

const url = z.url({ protocol: /^https?$/ });

const settingValue = z
  .union(
    [
      z.string().trim().min(1, 'must not be empty (leave it out for its default)'),
      z.number(),
      z.boolean(),
    ],
    {
      error: 'each setting is a string, a number or a boolean, not empty',
    },
  )
  .transform(String);

/** An object from cdk.json, or its JSON from `-c runtimeSettings='{"CHAT_MAX_TOKENS":800}'`. */
const runtimeSettings = z
  .unknown()
  .transform((value, ctx) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of settings' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(z.string(), settingValue, {
      error: 'must be a JSON object of settings (strings, numbers or booleans)',
    }),
  )
  .superRefine((settings, ctx) => {
    for (const problem of runtimeSettingProblems(settings)) {
      ctx.addIssue({ code: 'custom', message: problem });
    }
  });

/**
 * The deployment configuration: every key is read from CDK context (`cdk.json` `context`, or
 * `cdk deploy -c key=value`) and falls back to the documented default. Each field's
 * description is the text of {@link CONFIG_DOCS}.
 */
export const appConfigSchema = z
  .object({
    appName: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes, at most 40')
      .default('rag-api')
      .describe('Name prefix of the stack and its resources; also the Powertools service name.'),
    chatModel: z.string().min(1).default('gpt-4o-mini').describe('OpenAI chat model.'),
    embeddingModel: z
      .string()
      .min(1)
      .default('text-embedding-3-small')
      .describe('OpenAI embedding model.'),
    embeddingDimensions: integer(1, 8192)
      .default(1536)
      .describe('Vector size of the embedding model; must match the Qdrant collection.'),
    openAiBaseUrl: url
      .optional()
      .describe('OpenAI-compatible base URL (vLLM, Ollama, a proxy); unset means api.openai.com.'),
    qdrantUrl: z
      .union([z.literal(''), url])
      .default('')
      .describe(
        'Qdrant base URL, https:// (http:// only to a loopback host). Required for a working deployment (synth warns when empty).',
      ),
    qdrantCollection: z.string().min(1).default('chunks').describe('Qdrant collection name.'),
    qdrantPreviousCollection: z
      .string()
      .default('')
      .describe(
        'During a layout migration: the previous collection, written too and read until reindexed.',
      ),
    openAiSecretName: z
      .string()
      .min(1)
      .default('rag-api/openai-api-key')
      .describe('Name of an EXISTING Secrets Manager secret holding the OpenAI API key.'),
    qdrantSecretName: z
      .string()
      .min(1)
      .default('rag-api/qdrant-api-key')
      .describe('Name of an EXISTING Secrets Manager secret holding the Qdrant API key.'),
    corsOrigins: originList
      .default(['http://localhost:3000'])
      .describe('Browser origins allowed by CORS (HTTP API and streaming URL); comma-separated.'),
    sessionTtlDays: integer(1, 3650)
      .default(30)
      .describe('Days after the last turn before a session and its messages expire (TTL).'),
    apiKeyCacheTtlSeconds: integer(0, 3600)
      .default(60)
      .describe(
        'Seconds a resolved API key is cached per container; a revoked key lives this long.',
      ),
    logRetentionDays: z.coerce
      .number()
      .refine(
        (days) => RETENTION_DAYS.has(days),
        'must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, ...)',
      )
      .default(30)
      .describe('Retention of every log group (functions and API access logs).'),
    logLevel: z
      .enum(['DEBUG', 'INFO', 'WARN', 'ERROR'])
      .default('INFO')
      .describe('Application log level of every function (Lambda advanced logging controls).'),
    throttlingRateLimit: integer(1, 100_000)
      .default(50)
      .describe('Steady-state requests per second of the HTTP API default stage.'),
    throttlingBurstLimit: integer(1, 100_000)
      .default(100)
      .describe('Burst requests of the HTTP API default stage.'),
    maxBodyBytes: integer(1024, 6 * 1024 * 1024)
      .default(1_048_576)
      .describe('Largest accepted request body; larger bodies get 413.'),
    retrievalTopK: integer(1, 100).default(5).describe('Chunks retrieved per question.'),
    retrievalMinScore: numeric
      .pipe(z.number().min(-1).max(1))
      .default(0.25)
      .describe('Lowest cosine similarity a retrieved chunk needs to be cited.'),
    historyTokenBudget: integer(0, 200_000)
      .default(2_000)
      .describe('Tokens of session history sent to the model with each question.'),
    chunkSizeTokens: integer(50, MAX_CHUNK_SIZE_TOKENS, maxChunkSizeReason)
      .default(400)
      .describe(
        `Tokens per indexed chunk (at most ${MAX_CHUNK_SIZE_TOKENS}, which the embedder embeds whole).`,
      ),
    chunkOverlapTokens: integer(0, 2_000)
      .default(60)
      .describe('Tokens shared by consecutive chunks.'),
    reconcileIntervalMinutes: integer(1, 1_440)
      .default(5)
      .describe('Minutes between runs of the reconciler of stale documents.'),
    reconcileStaleAfterSeconds: integer(60, 86_400)
      .default(900)
      .describe('A document queued, indexing or deleting unchanged this long is re-driven.'),
    indexerBatchSize: integer(1, 10_000)
      .default(10)
      .describe('SQS messages per indexer invocation (above 10 needs a batching window).'),
    indexerBatchWindowSeconds: integer(0, 300)
      .default(5)
      .describe('Seconds SQS waits to fill an indexer batch.'),
    indexerMaxConcurrency: integer(2, 1_000)
      .default(5)
      .describe('Most concurrent indexer invocations, to stay under the embedding rate limit.'),
    indexerTimeoutSeconds: integer(10, 900)
      .default(120)
      .describe('Indexer timeout; the queue visibility timeout is six times this.'),
    maxPresignedUploadBytes: integer(1, 5_368_709_120)
      .default(52_428_800)
      .describe(
        'Largest file of a presigned upload or a drop folder (MAX_PRESIGNED_UPLOAD_BYTES).',
      ),
    uploadUrlExpirySeconds: integer(60, 43_200)
      .default(900)
      .describe('Validity of a presigned upload URL (UPLOAD_URL_EXPIRY_SECONDS).'),
    noncurrentVersionDays: integer(1, 3650)
      .default(30)
      .describe('Days before a replaced or deleted raw document version is removed from S3.'),
    streamTimeoutSeconds: integer(10, 900)
      .default(300)
      .describe('Timeout of the streaming chat function (longest answer stream).'),
    resumableStreams: flag
      .default(true)
      .describe(
        'Record answers so clients can resume them (GET /{chatId}/stream) and stop them (POST /{chatId}/stop); off: a disconnect aborts the answer.',
      ),
    apiTimeoutSeconds: integer(3, 30)
      .default(29)
      .describe('Timeout of the HTTP API functions (API Gateway stops waiting at 30 s).'),
    memorySize: integer(128, 10_240)
      .default(1024)
      .describe('Memory (MB) of every function; CPU scales with it.'),
    alarmEmail: z
      .email()
      .optional()
      .describe('Email address subscribed to the alarm topic (confirm the first message).'),
    streamReservedConcurrency: integer(1, 10_000)
      .optional()
      .describe(
        'Reserved concurrency of the streaming function (caps concurrent streams and their model spend); unset: none.',
      ),
    tenantRequestsPerMinute: integer(0, 1_000_000)
      .default(120)
      .describe('Default per-tenant limit of limited requests (chat, stream, uploads) per minute.'),
    tenantTokensPerDay: integer(0, 1_000_000_000)
      .default(200_000)
      .describe('Default per-tenant budget of model tokens (prompt + completion) per UTC day.'),
    tenantConcurrentStreams: integer(0, 10_000)
      .default(4)
      .describe('Default per-tenant limit of streams open at once.'),
    tenantConcurrentFollowers: integer(0, 10_000)
      .default(8)
      .describe(
        'Default per-tenant limit of resumes following an answer at once (GET /{chatId}/stream), apart from the streams.',
      ),
    tenantAllowanceRequests: integer(0, 1_000_000)
      .default(10)
      .describe(
        'Requests a container may count for a tenant before writing the count (overshoot ≤ containers × this; 0: every count written at once).',
      ),
    tenantAllowanceTokens: integer(0, 1_000_000_000)
      .default(5_000)
      .describe('Model tokens a container may count for a tenant before writing the count.'),
    tenantAllowanceMaxAgeMs: integer(0, 3_600_000)
      .default(10_000)
      .describe('A container writes the counts it kept this long (ms).'),
    documentsReservedConcurrency: integer(1, 10_000)
      .optional()
      .describe(
        'Reserved concurrency of the documents function (caps concurrent uploads and the storage and queue load they make); unset: none.',
      ),
    retainData: flag
      .default(true)
      .describe('Keep the table, bucket and log groups when the stack is deleted.'),
    runtimeSettings: runtimeSettings
      .default({})
      .describe(
        'Runtime settings with no key of their own (CHAT_MAX_TOKENS, EMBEDDING_REQUESTS_PER_MINUTE…), set on every function; checked at synth.',
      ),
  })
  .superRefine((config, ctx) => {
    if (sendsOverNetworkInCleartext(config.qdrantUrl)) {
      ctx.addIssue({
        code: 'custom',
        path: ['qdrantUrl'],
        message: `${cleartextUrlAdvice('Qdrant')}; deploy with -c qdrantUrl=https://...`,
      });
    }
    if (config.openAiBaseUrl && sendsOverNetworkInCleartext(config.openAiBaseUrl)) {
      ctx.addIssue({
        code: 'custom',
        path: ['openAiBaseUrl'],
        message: `${cleartextUrlAdvice('OpenAI')}; deploy with -c openAiBaseUrl=https://...`,
      });
    }
    const visibility = queueVisibilityTimeoutSeconds(config);
    if (config.reconcileStaleAfterSeconds < visibility) {
      ctx.addIssue({
        code: 'custom',
        path: ['reconcileStaleAfterSeconds'],
        message: `must be at least the indexing queue's visibility timeout, ${visibility} s (6 × indexerTimeoutSeconds + indexerBatchWindowSeconds): the reconciler would re-queue, and at last fail, versions the indexer is still working on`,
      });
    }
    const streamLogTtl = Number(config.runtimeSettings.STREAM_LOG_TTL_SECONDS ?? Number.NaN);
    if (streamLogTtl < config.streamTimeoutSeconds + STREAM_LOG_TTL_MARGIN_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['runtimeSettings', 'STREAM_LOG_TTL_SECONDS'],
        message: `must be at least streamTimeoutSeconds + ${STREAM_LOG_TTL_MARGIN_SECONDS} (${config.streamTimeoutSeconds + STREAM_LOG_TTL_MARGIN_SECONDS}): a running answer's marker and parts would expire under it`,
      });
    }
    if (
      config.qdrantPreviousCollection !== '' &&
      config.qdrantPreviousCollection === config.qdrantCollection
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['qdrantPreviousCollection'],
        message: 'must name another collection than qdrantCollection (or be left out)',
      });
    }
    // The indexer reads a file whole (the SDK's bytes, then a Buffer of them) and extracts its
    // text beside them; a file it cannot hold crashes its whole batch into the dead-letter queue.
    const indexerBytes = (config.memorySize * 1024 * 1024) / 4;
    if (config.maxPresignedUploadBytes > indexerBytes) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxPresignedUploadBytes'],
        message: `must be at most a quarter of memorySize (${indexerBytes} bytes at ${config.memorySize} MB): the indexer holds a file twice and its text in memory`,
      });
    }
    if (config.indexerBatchSize > 10 && config.indexerBatchWindowSeconds === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['indexerBatchWindowSeconds'],
        message: 'must be at least 1 when indexerBatchSize is above 10',
      });
    }
    if (config.chunkOverlapTokens * 2 >= config.chunkSizeTokens) {
      ctx.addIssue({
        code: 'custom',
        path: ['chunkOverlapTokens'],
        message: 'must be under half of chunkSizeTokens',
      });
    }
    if (config.throttlingBurstLimit < config.throttlingRateLimit) {
      ctx.addIssue({
        code: 'custom',
        path: ['throttlingBurstLimit'],
        message: 'must be at least throttlingRateLimit',
      });
    }
  });

/** A configuration that cannot be deployed: its message names every problem, one a line. */
export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
}

/** How much longer than the stream function's timeout recorded streams must live, in s. */
const STREAM_LOG_TTL_MARGIN_SECONDS = 60;

/**
 * The indexing queue's visibility timeout, in s: six times the indexer's timeout (AWS's
 * guidance for SQS event sources, room for retries of a throttled batch) plus the batching
 * window, during which received messages wait for their batch to fill.
 *
 * @example
 * queueVisibilityTimeoutSeconds({ indexerTimeoutSeconds: 120, indexerBatchWindowSeconds: 5 }); // 725
 */
export const queueVisibilityTimeoutSeconds = (
  config: Pick<AppConfig, 'indexerTimeoutSeconds' | 'indexerBatchWindowSeconds'>,
): number => config.indexerTimeoutSeconds * 6 + config.indexerBatchWindowSeconds;

/** The validated deployment configuration. */
export type AppConfig = z.infer<typeof appConfigSchema>;

/** A configuration key, as written in CDK context. */
export type AppConfigKey = keyof z.input<typeof appConfigSchema>;

/** Every configuration key, in documentation order. */
export const APP_CONFIG_KEYS = Object.keys(appConfigSchema.shape) as AppConfigKey[];

/**
 * Validates raw configuration values and fills in the defaults.
 *
 * @throws AppConfigError naming every invalid key, so `cdk synth` fails before anything is built.
 * @example
 * const config = parseAppConfig({ qdrantUrl: 'https://qdrant.example.com', corsOrigins: 'https://a.example' });
 */
export const parseAppConfig = (raw: Partial<Record<AppConfigKey, unknown>>): AppConfig => {
  const result = appConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new AppConfigError(`Invalid CDK context configuration:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
};

/**
 * Reads the configuration from CDK context (`app.node.tryGetContext`).
 *
 * @example
 * const app = new App();
 * const config = loadAppConfig(app.node);
 */
export const loadAppConfig = (node: Node): AppConfig => {
  const misspelt = misspeltKeys(Object.keys(node.getAllContext()));
  if (misspelt.length > 0) {
    throw new AppConfigError(`Unknown CDK context configuration:\n  ${misspelt.join('\n  ')}`);
  }
  return parseAppConfig(
    Object.fromEntries(APP_CONFIG_KEYS.map((key) => [key, node.tryGetContext(key)])),
  );
};

/** A key as compared for misspellings: letters and digits, lower-cased. */
const looseKey = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Context keys that are not configuration keys but spell one in another case or with other
 * separators (`QDRANT_COLLECTION`, `qdranturl`), or name a runtime setting that belongs in
 * `runtimeSettings` (`CHAT_MAX_TOKENS`): CDK would ignore them silently and deploy the default.
 * Other keys (feature flags, a user's own context) are left alone.
 */
const misspeltKeys = (keys: readonly string[]): string[] => {
  const known = new Map(APP_CONFIG_KEYS.map((key) => [looseKey(key), key]));
  const passThrough = new Set<string>(PASS_THROUGH_SETTINGS);
  return keys
    .filter((key) => !(APP_CONFIG_KEYS as readonly string[]).includes(key))
    .flatMap((key) => {
      const meant = known.get(looseKey(key));
      if (meant) return [`${key}: not a configuration key; did you mean ${meant}?`];
      return passThrough.has(key)
        ? [`${key}: a runtime setting; set it with -c runtimeSettings='{"${key}":"…"}'`]
        : [];
    });
};

/** The configuration defaults, as used when no context is given. */
export const DEFAULT_APP_CONFIG: AppConfig = parseAppConfig({});

/** One row of the configuration reference. */
export interface ConfigDoc {
  /** CDK context key. */
  key: AppConfigKey;
  /** Default value, JSON-encoded; `(unset)` when the key is optional. */
  default: string;
  /** What the key controls. */
  meaning: string;
}

/** The configuration reference (key, default, meaning), e.g. for the README. */
export const CONFIG_DOCS: readonly ConfigDoc[] = APP_CONFIG_KEYS.map((key) => {
  const value: unknown = DEFAULT_APP_CONFIG[key];
  return {
    key,
    default: value === undefined ? '(unset)' : JSON.stringify(value),
    meaning: appConfigSchema.shape[key].description ?? '',
  };
});

/** Maps a validated retention in days onto the CloudWatch Logs enum. */
export const toRetentionDays = (days: number): RetentionDays => days as RetentionDays;
