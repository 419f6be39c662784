import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { composeDynamoDbClient } from './aws-clients.js';
import type { RuntimeConfig } from './runtime-config.js';

/** The logger and the table's document client: what every function needs, HTTP or not. */
export interface TableClients {
  logger: Logger;
  dynamo: DynamoDBDocumentClient;
}

/**
 * Builds the logger and the table's document client once per container. Functions that
 * serve no HTTP (the indexer, the reconciler) compose only these, so their bundles carry no
 * authentication or tenant limits.
 *
 * @example
 * const { logger, dynamo } = composeTableClients(loadRuntimeConfig(process.env));
 */
export const composeTableClients = (config: RuntimeConfig, logger?: Logger): TableClients => ({
  logger: logger ?? new Logger({ serviceName: config.SERVICE_NAME }),
  dynamo: DynamoDBDocumentClient.from(composeDynamoDbClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  }),
});
