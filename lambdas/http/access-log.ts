import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { ApiContext, HttpEvent, HttpResult } from './http-types.js';
import { toProblem } from './to-problem.js';

/** Where the request's start time waits on Middy's `request.internal` for its answer. */
const STARTED = 'accessLogStartedAt';

/** The message of every access log line, which log readers and formatters key on. */
export const ACCESS_LOG_MESSAGE = 'request';

/**
 * Middy middleware writing one `INFO` line per request once its answer is known: method, path,
 * status, duration and tenant (and, for a refused request, the problem's detail). JSON through
 * Powertools in AWS; the local stack's logger prints it as one readable line. Register it
 * first, so its hooks run last, after `problemJson` has turned an error into the answer.
 * Written by hand: Middy has no access-log middleware, and API Gateway's access log cannot see
 * the tenant, which only the function knows.
 */
export const accessLog = (
  logger: Logger,
): MiddlewareObj<HttpEvent, HttpResult, Error, ApiContext> => {
  const write = (request: {
    event: HttpEvent;
    context: ApiContext;
    response: HttpResult | null | undefined;
    error?: unknown;
    internal: Record<string, unknown>;
  }) => {
    const status =
      request.response?.statusCode ?? (request.error ? toProblem(request.error).status : 200);
    const begun = request.internal[STARTED] as number | undefined;
    logger.info(ACCESS_LOG_MESSAGE, {
      method: request.event.requestContext?.http?.method,
      path: request.event.rawPath,
      status,
      durationMs: begun === undefined ? undefined : Math.round(performance.now() - begun),
      tenant: request.context.principal?.tenantId,
      ...(status >= 400 && request.error ? { detail: toProblem(request.error).detail } : {}),
    });
  };
  return {
    // On Middy's per-request `internal`, which the request's other hooks see: a property write
    // and read instead of a WeakMap's hashing.
    before: (request) => {
      (request.internal as Record<string, unknown>)[STARTED] = performance.now();
    },
    after: write,
    onError: write,
  };
};
