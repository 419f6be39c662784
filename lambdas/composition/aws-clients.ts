import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientSettings, dynamoDbClientConfig } from './aws-client-settings.js';
import type { RuntimeConfig } from './runtime-config.js';

/**
 * The DynamoDB client: {@link awsClientSettings}, and `DYNAMODB_ENDPOINT` when set (the local
 * stack; `AWS_ENDPOINT_URL_DYNAMODB` works too).
 */
export const composeDynamoDbClient = (config: RuntimeConfig): DynamoDBClient =>
  new DynamoDBClient(dynamoDbClientConfig(config));

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
