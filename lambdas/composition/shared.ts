import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbApiKeyStore } from '../adapters/dynamodb/dynamodb-api-key-store.js';
import { AuthenticateApiKey } from '../core/auth/authenticate-api-key.js';
import { systemClock } from '../core/ports/clock.js';
import type { HttpHandlerOptions } from '../http/create-http-handler.js';
import { composeDynamoDbClient } from './aws-clients.js';
import type { RuntimeConfig } from './runtime-config.js';

/** What every HTTP function's composition shares. */
export interface SharedComponents {
  logger: Logger;
  dynamo: DynamoDBDocumentClient;
  http: Omit<HttpHandlerOptions, 'routes' | 'fallback'>;
}

/**
 * Builds the clients every function needs, once per container (the Lambda init phase).
 *
 * @example
 * const shared = composeShared(loadRuntimeConfig(process.env));
 */
export const composeShared = (config: RuntimeConfig, logger?: Logger): SharedComponents => {
  const log = logger ?? new Logger({ serviceName: config.SERVICE_NAME });
  const dynamo = DynamoDBDocumentClient.from(composeDynamoDbClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const resolver = new AuthenticateApiKey({
    store: new DynamoDbApiKeyStore(dynamo, config.TABLE_NAME),
    clock: systemClock,
    cacheTtlMs: config.API_KEY_CACHE_TTL_SECONDS * 1000,
  });
  return {
    logger: log,
    dynamo,
    http: {
      logger: log,
      resolver,
      corsOrigins: config.CORS_ORIGINS,
      maxBodyBytes: config.MAX_BODY_BYTES,
    },
  };
};
