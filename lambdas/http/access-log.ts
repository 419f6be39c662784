import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { ApiContext, HttpEvent, HttpResult } from './http-types.js';
import { toProblem } from './to-problem.js';

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
  const started = new WeakMap<object, number>();
  const write = (request: {
    event: HttpEvent;
    context: ApiContext;
    response: HttpResult | null | undefined;
    error?: unknown;
  }) => {
    const status =
      request.response?.statusCode ?? (request.error ? toProblem(request.error).status : 200);
    const begun = started.get(request.event);
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
    before: (request) => {
      started.set(request.event, performance.now());
    },
    after: write,
    onError: write,
  };
};
