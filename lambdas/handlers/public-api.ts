import { composePublicApi, type PublicApiDeps } from '../composition/public-api.js';
import { loadRuntimeConfig } from '../composition/runtime-config.js';
import { DEFAULT_RETRY_AFTER_SECONDS } from '../core/dependency-error.js';
import { checkHealth } from '../core/health/check-health.js';
import { createHttpHandler } from '../http/create-http-handler.js';
import { deferredHandler } from '../http/deferred-handler.js';
import { DEFAULT_DOCS_ASSETS_URL, docsPage } from '../http/docs-page.js';
import { healthQuery } from '../http/health-query.js';
import type { HttpEvent, HttpResult } from '../http/http-types.js';
import { withServers } from '../http/openapi-servers.js';
import openApiTemplate from '../http/openapi-template.json' with { type: 'json' };
import { requestOrigin } from '../http/request-origin.js';
import { json } from '../http/responses.js';
import { validationProblem } from '../http/to-problem.js';
import { httpUnavailable } from '../http/unavailable.js';
import { unknownRoute } from '../http/unknown-route.js';

/**
 * Builds the public function: `GET /openapi.json` (OpenAPI 3.1 generated from the zod
 * schemas at build time, `npm run openapi`), `GET /docs` (Swagger UI over it), `GET /health` (with `?deep=true`, each dependency
 * `up` or `down`, and a 503 when one is down; the reasons are logged, never answered) and the `$default` route's 404/405 problems.
 *
 * @example
 * const handler = createHandler({ http, probes: { dynamodb: async () => {} } });
 */
export const createHandler = (deps: PublicApiDeps) => {
  const routes: Record<string, (event: HttpEvent) => Promise<HttpResult>> = {
    'GET /openapi.json': async (event) =>
      json(
        200,
        withServers(openApiTemplate, {
          serverUrl: requestOrigin(event),
          ...(deps.streamUrl ? { streamUrl: deps.streamUrl } : {}),
        }),
        { 'cache-control': 'public, max-age=300' },
      ),
    'GET /docs': async () => {
      const page = docsPage({
        assetsUrl: deps.docsAssetsUrl ?? DEFAULT_DOCS_ASSETS_URL,
        specUrl: '/openapi.json',
        ...(deps.streamUrl ? { connectOrigins: [new URL(deps.streamUrl).origin] } : {}),
      });
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'Content-Security-Policy': page.contentSecurityPolicy,
        },
        body: page.html,
      };
    },
    'GET /health': async (event) => {
      const query = healthQuery.safeParse(event.queryStringParameters ?? {});
      if (!query.success) throw validationProblem(query.error, 'query');
      const deep = query.data.deep === 'true';
      const report = await checkHealth(deep ? deps.probes : {}, deps.probeTimeoutMs ?? 2_000);
      // The route is public: each dependency shows only `up` or `down`; why one is down
      // (addresses, error messages of the SDKs) goes to the log.
      const checks = Object.fromEntries(
        Object.entries(report.checks).map(([name, check]) => {
          if (check.error) {
            deps.http.logger.warn('dependency down', { dependency: name, error: check.error });
          }
          return [name, { status: check.status }];
        }),
      );
      if (report.status === 'ok') {
        return json(200, { status: report.status, checks }, { 'cache-control': 'no-store' });
      }
      const down = Object.entries(report.checks)
        .filter(([, check]) => check.status === 'down')
        .map(([name]) => name);
      // A 503 is a problem document like every other error, with the checks as an extension.
      return {
        statusCode: 503,
        headers: {
          'content-type': 'application/problem+json',
          'cache-control': 'no-store',
          'retry-after': String(DEFAULT_RETRY_AFTER_SECONDS),
        },
        body: JSON.stringify({
          type: 'urn:problem:dependency-down',
          title: 'Service Unavailable',
          status: 503,
          detail: `Unreachable: ${down.join(', ')}`,
          checks,
        }),
      };
    },
  };
  return createHttpHandler({
    ...deps.http,
    routes,
    // HEAD of this function's own GET routes (uptime monitors use it) is the GET without its
    // body (RFC 9110); it reaches `$default`, as no HEAD route is declared.
    fallback: async (event) => {
      const get = routes[`GET ${event.rawPath}`];
      if (event.requestContext.http.method !== 'HEAD' || !get) {
        return unknownRoute(event, (path) => routes[`GET ${path}`] !== undefined);
      }
      const { body: _, ...head } = await get(event);
      return { ...head, body: '' };
    },
  });
};

/** The Lambda entry point. */
export const handler = await deferredHandler(
  () => createHandler(composePublicApi(loadRuntimeConfig(process.env))),
  httpUnavailable,
);
