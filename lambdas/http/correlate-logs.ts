import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { HttpEvent } from './http-types.js';

/** The key Powertools' `setCorrelationId` writes the correlation id under. */
const CORRELATION_ID_KEY = 'correlation_id';

/**
 * Middy middleware adding the API Gateway request id to every log line of the request, as
 * `correlation_id`. It is the only key the HTTP stack appends, and each request sets it afresh
 * (or removes it, when the event has none), so no request's lines carry another's id without
 * Powertools' `resetKeys`, which would cost every request a copy of Middy's `request.internal`
 * and three more reads of the environment (Powertools' attribute store reads
 * `AWS_LAMBDA_MAX_CONCURRENCY` on each access).
 *
 * @example
 * middy().use(injectLambdaContext(logger)).use(correlateLogs(logger))
 */
export const correlateLogs = (logger: Logger): MiddlewareObj<HttpEvent> => ({
  before: (request) => {
    const requestId = request.event.requestContext?.requestId;
    if (requestId === undefined) logger.removeKeys([CORRELATION_ID_KEY]);
    else logger.setCorrelationId(requestId);
  },
});
