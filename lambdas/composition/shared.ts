import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbApiKeyStore } from '../adapters/dynamodb/dynamodb-api-key-store.js';
import { DynamoDbStreamSlots } from '../adapters/dynamodb/dynamodb-stream-slots.js';
import { DynamoDbTenantLimitsStore } from '../adapters/dynamodb/dynamodb-tenant-limits-store.js';
import { DynamoDbTenantSnapshots } from '../adapters/dynamodb/dynamodb-tenant-snapshots.js';
import { DynamoDbUsageMeter } from '../adapters/dynamodb/dynamodb-usage-meter.js';
import { AuthenticateApiKey } from '../core/auth/authenticate-api-key.js';
import { TenantLimiter } from '../core/limits/tenant-limiter.js';
import { systemClock } from '../core/ports/clock.js';
import type { HttpHandlerOptions } from '../http/create-http-handler.js';
import type { RuntimeConfig } from './runtime-config.js';
import { composeTableClients, type TableClients } from './table-clients.js';

/** What every HTTP function's composition shares. */
export interface SharedComponents extends TableClients {
  http: Omit<HttpHandlerOptions, 'routes' | 'fallback'>;
  /** Per-tenant limits; undefined when `TENANT_LIMITS` is off. */
  limiter: TenantLimiter | undefined;
}

/**
 * The tenant limiter: defaults and the per-container allowance from configuration, overrides
 * and counters in the table.
 *
 * @example
 * const limiter = composeLimiter(config, documentClient);
 */
export const composeLimiter = (
  config: RuntimeConfig,
  dynamo: DynamoDBDocumentClient,
  logger?: Logger,
) =>
  new TenantLimiter({
    meter: new DynamoDbUsageMeter(dynamo, {
      tableName: config.TABLE_NAME,
      clock: systemClock,
      shards: config.USAGE_COUNTER_SHARDS,
    }),
    limits: new DynamoDbTenantLimitsStore(dynamo, config.TABLE_NAME),
    snapshots: new DynamoDbTenantSnapshots(dynamo, {
      tableName: config.TABLE_NAME,
      shards: config.USAGE_COUNTER_SHARDS,
    }),
    slots: new DynamoDbStreamSlots(dynamo, { tableName: config.TABLE_NAME, clock: systemClock }),
    followerSlots: new DynamoDbStreamSlots(dynamo, {
      tableName: config.TABLE_NAME,
      clock: systemClock,
      pool: 'FOLLOWERS',
    }),
    defaults: {
      requestsPerMinute: config.TENANT_REQUESTS_PER_MINUTE,
      tokensPerDay: config.TENANT_TOKENS_PER_DAY,
      concurrentStreams: config.TENANT_CONCURRENT_STREAMS,
      concurrentFollowers: config.TENANT_CONCURRENT_FOLLOWERS,
    },
    clock: systemClock,
    cacheTtlMs: config.TENANT_LIMITS_CACHE_TTL_SECONDS * 1000,
    blocks: {
      requests: config.TENANT_ALLOWANCE_REQUESTS,
      tokens: config.TENANT_ALLOWANCE_TOKENS,
      maxAgeMs: config.TENANT_ALLOWANCE_MAX_AGE_MS,
    },
    ...(logger
      ? {
          onError: (error: unknown) =>
            logger.warn('writing usage counts failed; they are kept for the next write', {
              error: error as Error,
            }),
        }
      : {}),
  });

/**
 * Builds the clients every function needs, once per container (the Lambda init phase).
 *
 * @example
 * const shared = composeShared(loadRuntimeConfig(process.env));
 */
export const composeShared = (config: RuntimeConfig, logger?: Logger): SharedComponents => {
  const { logger: log, dynamo } = composeTableClients(config, logger);
  const resolver = new AuthenticateApiKey({
    store: new DynamoDbApiKeyStore(dynamo, config.TABLE_NAME),
    clock: systemClock,
    cacheTtlMs: config.API_KEY_CACHE_TTL_SECONDS * 1000,
  });
  const limiter = config.TENANT_LIMITS ? composeLimiter(config, dynamo, log) : undefined;
  return {
    logger: log,
    dynamo,
    limiter,
    http: {
      logger: log,
      resolver,
      corsOrigins: config.CORS_ORIGINS,
      maxBodyBytes: config.MAX_BODY_BYTES,
      ...(limiter ? { limiter } : {}),
    },
  };
};
