import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { RuntimeConfig } from '../lambdas/composition/runtime-config.js';
import { HTTP_FUNCTION_ENTRIES } from '../lambdas/http/routes.js';
import type { AppConfig } from './config.js';
import { AppTable } from './constructs/app-table.js';
import { HttpApi } from './constructs/http-api.js';
import { IngestionPipeline } from './constructs/ingestion-pipeline.js';
import { NodeFunction } from './constructs/node-function.js';
import { StreamingEndpoint } from './constructs/streaming-endpoint.js';

/** Environment variables the functions read (names from the runtime configuration schema). */
type RuntimeEnvironment = { [K in keyof RuntimeConfig]?: string | undefined };

/** Drops unset variables: Lambda environment values must be strings. */
const toEnvironment = (variables: RuntimeEnvironment): Record<string, string> =>
  Object.fromEntries(
    Object.entries(variables).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

/** The non-secret settings every function shares. */
const sharedEnvironment = (config: AppConfig, tableName: string): RuntimeEnvironment => ({
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
});

/** Properties of a {@link RagApiStack}. */
export interface RagApiStackProps extends StackProps {
  /** The validated deployment configuration (see `lib/config.ts`). */
  config: AppConfig;
}

/**
 * The whole API: the table, the HTTP API with its three functions, the streaming endpoint and
 * the ingestion pipeline, each function granted only what it uses:
 *
 * | function  | table                 | raw bucket | queue | secrets        |
 * |-----------|-----------------------|------------|-------|----------------|
 * | public    | `DescribeTable` only  |            |       |                |
 * | chat      | read/write            |            |       | OpenAI, Qdrant |
 * | documents | read/write            | read/write | send  | Qdrant         |
 * | stream    | read/write            |            |       | OpenAI, Qdrant |
 * | indexer   | read/write            | read       | (SQS) | OpenAI, Qdrant |
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
    const { indexer } = this.ingestion;
    this.table.grantReadWriteData(indexer.function);
    openAiKey.grantRead(indexer.function);
    qdrantKey.grantRead(indexer.function);

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
    this.table.grantReadWriteData(chatApi.function);
    openAiKey.grantRead(chatApi.function);
    qdrantKey.grantRead(chatApi.function);

    const documentsApi = new NodeFunction(this, 'DocumentsApi', {
      entry: HTTP_FUNCTION_ENTRIES.documents,
      description: 'Document upload (queued for indexing), listing and deletion',
      config,
      timeoutSeconds: config.apiTimeoutSeconds,
      environment: toEnvironment({
        ...shared,
        ...secretEnvironment({ qdrant: qdrantKey }),
        BUCKET_NAME: this.ingestion.bucket.bucketName,
        QUEUE_URL: this.ingestion.queue.queueUrl,
      }),
    });
    this.table.grantReadWriteData(documentsApi.function);
    this.ingestion.grantObjectReadWrite(documentsApi.function);
    this.ingestion.queue.grantSendMessages(documentsApi.function);
    qdrantKey.grantRead(documentsApi.function);

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
      environment: toEnvironment({
        ...shared,
        ...secretEnvironment({ openAi: openAiKey, qdrant: qdrantKey }),
      }),
    });
    this.table.grantReadWriteData(this.streaming.handler.function);
    openAiKey.grantRead(this.streaming.handler.function);
    qdrantKey.grantRead(this.streaming.handler.function);

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
