import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { RuntimeConfig } from './runtime-config.js';

/** The client settings every AWS SDK client of the functions shares. */
export interface AwsClientSettings {
  /** Attempts per call, the first included (the SDK's standard retry strategy). */
  maxAttempts: number;
  /** Explicit timeouts, so a hung connection fails the call instead of the whole invocation. */
  requestHandler: {
    /** Most time to open the TCP (and TLS) connection, in ms. */
    connectionTimeout: number;
    /** Most time from sending the request to the end of the response, in ms. */
    requestTimeout: number;
    /** Make a breached `requestTimeout` an error (by default the SDK only logs a warning). */
    throwOnRequestTimeout: true;
  };
}

/**
 * The settings of every AWS SDK client the functions build: `AWS_REQUEST_TIMEOUT_MS`,
 * `AWS_CONNECTION_TIMEOUT_MS` and `AWS_MAX_ATTEMPTS`. The endpoint, region and credentials
 * come from the SDK's own environment (`AWS_REGION`, `AWS_ENDPOINT_URL_<SERVICE>`).
 *
 * @example
 * new S3Client(awsClientSettings(loadRuntimeConfig(process.env)));
 */
export const awsClientSettings = (config: RuntimeConfig): AwsClientSettings => ({
  maxAttempts: config.AWS_MAX_ATTEMPTS,
  requestHandler: {
    connectionTimeout: config.AWS_CONNECTION_TIMEOUT_MS,
    requestTimeout: config.AWS_REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true,
  },
});

/**
 * The DynamoDB client: {@link awsClientSettings}, and `DYNAMODB_ENDPOINT` when set (the local
 * stack; `AWS_ENDPOINT_URL_DYNAMODB` works too).
 */
export const composeDynamoDbClient = (config: RuntimeConfig): DynamoDBClient =>
  new DynamoDBClient({
    ...awsClientSettings(config),
    ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
  });

/** The S3 client of the raw document store, with {@link awsClientSettings}. */
export const composeS3Client = (config: RuntimeConfig): S3Client =>
  new S3Client(awsClientSettings(config));

/**
 * The S3 client that presigns upload URLs, with {@link awsClientSettings}. It signs no request
 * checksum: the SDK would sign the CRC32 of the empty body it presigns, and S3 would refuse
 * every real file.
 */
export const composePresignS3Client = (config: RuntimeConfig): S3Client =>
  new S3Client({ ...awsClientSettings(config), requestChecksumCalculation: 'WHEN_REQUIRED' });

/** The SQS client of the indexing queue, with {@link awsClientSettings}. */
export const composeSqsClient = (config: RuntimeConfig): SQSClient =>
  new SQSClient(awsClientSettings(config));

/**
 * Powertools' Secrets Manager provider on a client with {@link awsClientSettings} (Powertools'
 * default provider would build one with no timeout).
 */
export const composeSecretsProvider = (config: RuntimeConfig): SecretsProvider =>
  new SecretsProvider({ clientConfig: awsClientSettings(config) });
