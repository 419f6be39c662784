import { composePublicApi } from '../composition/public-api.js';
import { loadRuntimeConfig } from '../composition/runtime-config.js';
import { checkHealth, type DependencyProbe } from '../core/health/check-health.js';
import { createHttpHandler, type HttpHandlerOptions } from '../http/create-http-handler.js';
import { deferredHandler } from '../http/deferred-handler.js';
import { json } from '../http/responses.js';
import { unknownRoute } from '../http/unknown-route.js';

/** Dependencies of the public function (health, docs, and the answer to unknown routes). */
export interface PublicApiDeps {
  http: Omit<HttpHandlerOptions, 'routes' | 'fallback'>;
  /** Probes run by `GET /health?deep=true`, by dependency name. */
  probes: Record<string, DependencyProbe>;
  probeTimeoutMs?: number;
}

/**
 * Builds the public function: `GET /health` (with `?deep=true`, each dependency's status and a
 * 503 when one is down) and the `$default` route's 404/405 problems.
 *
 * @example
 * const handler = createHandler({ http, probes: { dynamodb: async () => {} } });
 */
export const createHandler = (deps: PublicApiDeps) =>
  createHttpHandler({
    ...deps.http,
    routes: {
      'GET /health': async (event) => {
        const deep = event.queryStringParameters?.deep === 'true';
        const report = await checkHealth(deep ? deps.probes : {}, deps.probeTimeoutMs ?? 2_000);
        return json(report.status === 'ok' ? 200 : 503, report, { 'cache-control': 'no-store' });
      },
    },
    fallback: unknownRoute,
  });

/** The Lambda entry point. */
export const handler = await deferredHandler(() =>
  createHandler(composePublicApi(loadRuntimeConfig(process.env))),
);
