import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { RuntimeConfig } from '../lambdas/composition/runtime-config.js';
import { HTTP_FUNCTION_ENTRIES } from '../lambdas/http/routes.js';
import type { AppConfig } from './config.js';
import { AlarmNotifications } from './constructs/alarm-notifications.js';
import { AppTable, type ItemAction } from './constructs/app-table.js';
import { CdkFunctionLogs } from './constructs/cdk-function-logs.js';
import { HttpApi } from './constructs/http-api.js';
import { IngestionPipeline, MAX_RECEIVE_COUNT } from './constructs/ingestion-pipeline.js';
import { NodeFunction } from './constructs/node-function.js';
import { Reconciler } from './constructs/reconciler.js';
import { StreamingEndpoint } from './constructs/streaming-endpoint.js';

/** Environment variables the functions read (names from the runtime configuration schema). */
type RuntimeEnvironment = { [K in keyof RuntimeConfig]?: string | undefined };

/** Drops unset variables: Lambda environment values must be strings. */
const toEnvironment = (variables: RuntimeEnvironment): Record<string, string> =>
  Object.fromEntries(
    Object.entries(variables).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

/**
 * The non-secret settings every function shares, and the deployment's `runtimeSettings`
 * (names the stack never sets itself: see `lib/runtime-settings.ts`).
 */
const sharedEnvironment = (config: AppConfig, tableName: string): RuntimeEnvironment => ({
  ...config.runtimeSettings,
  SERVICE_NAME: config.appName,
  TABLE_NAME: tableName,
  QDRANT_URL: config.qdrantUrl,
  QDRANT_COLLECTION: config.qdrantCollection,
  QDRANT_PREVIOUS_COLLECTION: config.qdrantPreviousCollection || undefined,
  OPENAI_BASE_URL: config.openAiBaseUrl,
  CHAT_MODEL: config.chatModel,
  EMBEDDING_MODEL: config.embeddingModel,
  EMBEDDING_DIMENSIONS: String(config.embeddingDimensions),
  SESSION_TTL_DAYS: String(config.sessionTtlDays),
  API_KEY_CACHE_TTL_SECONDS: String(config.apiKeyCacheTtlSeconds),
  CORS_ORIGINS: config.corsOrigins.join(','),
  MAX_BODY_BYTES: String(config.maxBodyBytes),
  RETRIEVAL_TOP_K: String(config.retrievalTopK),
  RETRIEVAL_MIN_SCORE: String(config.retrievalMinScore),
  HISTORY_TOKEN_BUDGET: String(config.historyTokenBudget),
  CHUNK_SIZE_TOKENS: String(config.chunkSizeTokens),
  CHUNK_OVERLAP_TOKENS: String(config.chunkOverlapTokens),
  TENANT_REQUESTS_PER_MINUTE: String(config.tenantRequestsPerMinute),
  TENANT_TOKENS_PER_DAY: String(config.tenantTokensPerDay),
  TENANT_CONCURRENT_STREAMS: String(config.tenantConcurrentStreams),
  TENANT_CONCURRENT_FOLLOWERS: String(config.tenantConcurrentFollowers),
  TENANT_ALLOWANCE_REQUESTS: String(config.tenantAllowanceRequests),
  TENANT_ALLOWANCE_TOKENS: String(config.tenantAllowanceTokens),
  TENANT_ALLOWANCE_MAX_AGE_MS: String(config.tenantAllowanceMaxAgeMs),
  MAX_PRESIGNED_UPLOAD_BYTES: String(config.maxPresignedUploadBytes),
  UPLOAD_URL_EXPIRY_SECONDS: String(config.uploadUrlExpirySeconds),
  // The indexer fails a version on the receive the dead-letter queue would take it at.
  MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
});

/** Authentication: look the key up, and record its last use. */
const AUTHENTICATION: readonly ItemAction[] = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];

/** Per-tenant limits: the limits and counters a tenant's first request reads in one batch. */
const LIMITS: readonly ItemAction[] = ['dynamodb:BatchGetItem'];

/**
 * The table actions each function's code uses, no more (the artifact tests' IAM coverage
 * check fails on a call these deny and lists any action no call used).
 */
export const TABLE_ACTIONS = {
  /**
   * Sessions: read, list, one transaction per turn (put, update); delete a session: its summary
   * first (no turn lands after it), then its messages in batches. The records of the documents
   * an answer retrieved, read in one batch (`BatchGetItem`, as the limits) to cite live ones only.
   */
  chat: [
    ...AUTHENTICATION,
    ...LIMITS,
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
  /**
   * The same turns (and document records) as chat; never deletes a session (an ended stream's
   * marker is updated, left to its TTL).
   */
  stream: [...AUTHENTICATION, ...LIMITS, 'dynamodb:Query', 'dynamodb:PutItem'],
  /** Document records and title claims: read, list, update; delete on document deletion. */
  documents: [...AUTHENTICATION, ...LIMITS, 'dynamodb:Query', 'dynamodb:DeleteItem'],
  /**
   * Status transitions of the document being indexed; drop-folder files: new versions (as
   * uploads do) and deletions.
   */
  indexer: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  /**
   * Stale documents by the pending index; re-queue and failure transitions; finished deletions
   * (the record read for its title, which is freed before the record goes).
   */
  reconciler: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
} satisfies Record<string, readonly ItemAction[]>;

/**
 * Lets `grantee` read a secret's value and nothing else about it (`grantRead` would add
 * `DescribeSecret`, which no function calls). The ARN ends in `-??????`: Secrets Manager
 * appends six random characters to the name.
 */
const grantSecretValue = (secret: ISecret, grantee: IGrantable): Grant =>
  Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue'],
    resourceArns: [secret.secretFullArn ?? `${secret.secretArn}-??????`],
  });

/** Properties of a {@link RagApiStack}. */
export interface RagApiStackProps extends StackProps {
  /** The validated deployment configuration (see `lib/config.ts`). */
  config: AppConfig;
}

/**
 * The whole API: the table, the HTTP API with its three functions, the streaming endpoint, the
 * ingestion pipeline and the scheduled reconciler, each function granted only what it uses:
 *
 * | function  | table ({@link TABLE_ACTIONS})                 | raw bucket                         | queue       | secrets        |
 * |-----------|-----------------------------------------------|------------------------------------|-------------|----------------|
 * | public    | `DescribeTable` only                          |                                    |             |                |
 * | chat      | sessions, limits, document reads              |                                    |             | OpenAI, Qdrant |
 * | documents | documents, limits                             | put (and presign), delete, list document folders | send | Qdrant |
 * | stream    | sessions, stream log, limits, document reads  |                                    |             | OpenAI, Qdrant |
 * | indexer   | get, update, delete                           | get, put, delete, list             | (SQS), send | OpenAI, Qdrant |
 * | reconciler| pending index, update, delete                 | delete, read uploads, list         | send        | Qdrant         |
 *
 * No function but public may write API key items beyond their last-use time
 * (`AppTable.denyApiKeyWrites`).
 *
 * A function only gets the environment variable of a secret it may read, so no composition root
 * tries to fetch a secret it has no access to.
 *
 * @example
 * const app = new App();
 * new RagApiStack(app, 'rag-api', { config: loadAppConfig(app.node) });
 */
export class RagApiStack extends Stack {
  /** The application table. */
  readonly table: AppTable;
  /** The HTTP API. */
  readonly httpApi: HttpApi;
  /** The streaming chat endpoint. */
  readonly streaming: StreamingEndpoint;
  /** Bucket, queue, indexer and dead-letter alarm. */
  readonly ingestion: IngestionPipeline;
  /** The topic alarms notify. */
  readonly alarms: AlarmNotifications;

  constructor(scope: Construct, id: string, props: RagApiStackProps) {
    super(scope, id, props);
    const { config } = props;

    if (config.qdrantUrl === '') {
      Annotations.of(this).addWarningV2(
        'rag-api:qdrantUrlMissing',
        'qdrantUrl is empty: chat and indexing fail until you deploy with -c qdrantUrl=https://...',
      );
    }

    const openAiKey = Secret.fromSecretNameV2(this, 'OpenAiApiKey', config.openAiSecretName);
    const qdrantKey = Secret.fromSecretNameV2(this, 'QdrantApiKey', config.qdrantSecretName);
    const secretEnvironment = (secrets: { openAi?: ISecret; qdrant?: ISecret }) => ({
      OPENAI_API_KEY_SECRET_ARN: secrets.openAi?.secretArn,
      QDRANT_API_KEY_SECRET_ARN: secrets.qdrant?.secretArn,
    });

    this.table = new AppTable(this, 'AppTable', { retainData: config.retainData });
    const shared = sharedEnvironment(config, this.table.tableName);

    this.ingestion = new IngestionPipeline(this, 'Ingestion', {
      config,
      environment: toEnvironment({
        ...shared,
        ...secretEnvironment({ openAi: openAiKey, qdrant: qdrantKey }),
      }),
    });
    const dataFunction = (
      fn: LambdaFunction,
      actions: readonly ItemAction[],
      secrets: ISecret[],
    ): void => {
      this.table.grantItemActions(fn, actions);
      this.table.denyApiKeyWrites(fn.grantPrincipal);
      for (const secret of secrets) grantSecretValue(secret, fn);
    };
    const { indexer } = this.ingestion;
    dataFunction(indexer.function, TABLE_ACTIONS.indexer, [openAiKey, qdrantKey]);
    this.alarms = new AlarmNotifications(this, 'Alarms', { email: config.alarmEmail });
    this.alarms.notifyOn(this.ingestion.deadLetterAlarm);

    const publicApi = new NodeFunction(this, 'PublicApi', {
      entry: HTTP_FUNCTION_ENTRIES.public,
      description: 'Health, OpenAPI document, docs page, and 404/405 for unknown routes',
      config,
      timeoutSeconds: config.apiTimeoutSeconds,
      environment: toEnvironment(shared),
    });
    this.table.grantDescribe(publicApi.function);

    const chatApi = new NodeFunction(this, 'ChatApi', {
      entry: HTTP_FUNCTION_ENTRIES.chat,
      description: 'Buffered chat with retrieval, and sessions',
      config,
      timeoutSeconds: config.apiTimeoutSeconds,
      environment: toEnvironment({
        ...shared,
        ...secretEnvironment({ openAi: openAiKey, qdrant: qdrantKey }),
      }),
    });
    dataFunction(chatApi.function, TABLE_ACTIONS.chat, [openAiKey, qdrantKey]);

    const documentsApi = new NodeFunction(this, 'DocumentsApi', {
      entry: HTTP_FUNCTION_ENTRIES.documents,
      description: 'Document upload (queued for indexing), listing and deletion',
      config,
      timeoutSeconds: config.apiTimeoutSeconds,
      reservedConcurrentExecutions: config.documentsReservedConcurrency,
      environment: toEnvironment({
        ...shared,
        ...secretEnvironment({ qdrant: qdrantKey }),
        BUCKET_NAME: this.ingestion.bucket.bucketName,
        QUEUE_URL: this.ingestion.queue.queueUrl,
      }),
    });
    dataFunction(documentsApi.function, TABLE_ACTIONS.documents, [qdrantKey]);
    this.ingestion.grantObjectWrite(documentsApi.function);
    this.ingestion.grantListDocumentFolders(documentsApi.function);
    this.ingestion.grantSendJobs(documentsApi.function);

    const reconciler = new Reconciler(this, 'Reconciler', {
      config,
      environment: toEnvironment({
        ...shared,
        ...secretEnvironment({ qdrant: qdrantKey }),
        BUCKET_NAME: this.ingestion.bucket.bucketName,
        QUEUE_URL: this.ingestion.queue.queueUrl,
        RECONCILE_STALE_AFTER_SECONDS: String(config.reconcileStaleAfterSeconds),
      }),
    });
    dataFunction(reconciler.function.function, TABLE_ACTIONS.reconciler, [qdrantKey]);
    this.ingestion.grantObjectDelete(reconciler.function.function);
    // A presigned upload whose event was lost is taken in: HeadObject of uploads, answered 404
    // for a missing one only to a caller that may list the bucket (403 otherwise).
    this.ingestion.grantReadUploads(reconciler.function.function);
    this.ingestion.grantListBucket(reconciler.function.function);
    this.ingestion.grantSendJobs(reconciler.function.function);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      config,
      functions: {
        public: publicApi.function,
        chat: chatApi.function,
        documents: documentsApi.function,
      },
    });

    this.streaming = new StreamingEndpoint(this, 'Streaming', {
      config,
      // The docs page (`GET /docs` of the HTTP API) tries the streaming operations out here.
      extraOrigins: [
        `https://${this.httpApi.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`,
      ],
      environment: toEnvironment({
        ...shared,
        ...secretEnvironment({ openAi: openAiKey, qdrant: qdrantKey }),
        RESUMABLE_STREAMS: String(config.resumableStreams),
      }),
    });
    dataFunction(this.streaming.handler.function, TABLE_ACTIONS.stream, [openAiKey, qdrantKey]);
    // Known once the streaming endpoint exists, which needs the HTTP API, which needs this function.
    for (const [name, value] of Object.entries(toEnvironment({ STREAM_URL: this.streaming.url }))) {
      publicApi.function.addEnvironment(name, value);
    }
    // Last: it covers the functions CDK has added for its custom resources by now.
    new CdkFunctionLogs(this, 'CdkFunctionLogs', { config });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url, description: 'HTTP API base URL' });
    new CfnOutput(this, 'StreamUrl', {
      value: this.streaming.url,
      description: 'Streaming chat function URL (POST, SSE)',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'BucketName', { value: this.ingestion.bucket.bucketName });
    new CfnOutput(this, 'QueueUrl', { value: this.ingestion.queue.queueUrl });
  }
}
