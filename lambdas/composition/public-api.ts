import { Logger } from '@aws-lambda-powertools/logger';
import { describeTableProbe } from '../adapters/dynamodb/describe-table-probe.js';
import type { DependencyProbe } from '../core/health/check-health.js';
import type { HttpHandlerOptions } from '../http/create-http-handler.js';
import { publicRoutesOnly } from '../http/public-routes-only.js';
import { dynamoDbClientConfig } from './aws-client-settings.js';
import type { RuntimeConfig } from './runtime-config.js';

/** Dependencies of the public function (health, docs, and the answer to unknown routes). */
export interface PublicApiDeps {
  http: Omit<HttpHandlerOptions, 'routes' | 'fallback'>;
  /** Probes run by `GET /health?deep=true`, by dependency name. */
  probes: Record<string, DependencyProbe>;
  probeTimeoutMs?: number;
  /** Where the docs page loads Swagger UI from. */
  docsAssetsUrl?: string;
  /** The streaming endpoint's URL, named in the OpenAPI description. */
  streamUrl?: string;
}

/**
 * Composes the public function's dependencies. Every route it serves is public, so it builds
 * no key store, tenant limiter or table client at init; the deep health check probes the table
 * (the DynamoDB client is loaded on the first deep check) and, when one is configured, Qdrant.
 * The OpenAPI document names `STREAM_URL` as the streaming operations' server, without the
 * trailing slash a function URL has (the operations' paths start with one).
 *
 * @example
 * const deps = composePublicApi(loadRuntimeConfig(process.env));
 */
export const composePublicApi = (
  config: RuntimeConfig,
  logger: Logger = new Logger({ serviceName: config.SERVICE_NAME }),
): PublicApiDeps => ({
  http: {
    logger,
    resolver: publicRoutesOnly,
    corsOrigins: config.CORS_ORIGINS,
    maxBodyBytes: config.MAX_BODY_BYTES,
  },
  ...(config.STREAM_URL ? { streamUrl: config.STREAM_URL.replace(/\/+$/, '') } : {}),
  probes: {
    dynamodb: describeTableProbe(config.TABLE_NAME, dynamoDbClientConfig(config)),
    // Qdrant answers /healthz without an API key, so this function needs no secret.
    ...(config.QDRANT_URL
      ? {
          qdrant: async (signal: AbortSignal) => {
            const response = await fetch(new URL('/healthz', config.QDRANT_URL), { signal });
            if (!response.ok) throw new Error(`Qdrant answered ${response.status}`);
          },
        }
      : {}),
  },
});
