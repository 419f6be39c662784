import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DependencyProbe } from '../core/health/check-health.js';
import type { HttpHandlerOptions } from '../http/create-http-handler.js';
import type { RuntimeConfig } from './runtime-config.js';
import { composeShared, type SharedComponents } from './shared.js';

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
 * Composes the public function's dependencies; the deep health check probes the table and,
 * when one is configured, Qdrant.
 *
 * @example
 * const deps = composePublicApi(loadRuntimeConfig(process.env));
 */
export const composePublicApi = (
  config: RuntimeConfig,
  shared: SharedComponents = composeShared(config),
): PublicApiDeps => ({
  http: shared.http,
  probes: {
    dynamodb: async (signal) => {
      await shared.dynamo.send(new DescribeTableCommand({ TableName: config.TABLE_NAME }), {
        abortSignal: signal,
      });
    },
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
