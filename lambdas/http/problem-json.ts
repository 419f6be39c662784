import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { HttpEvent, HttpResult } from './http-types.js';
import { problemResponse } from './responses.js';
import { toProblem } from './to-problem.js';

/**
 * Middy middleware that renders every failure as `application/problem+json` (RFC 9457).
 *
 * Register it after CORS and security headers so that their `onError` hooks, which Middy runs
 * in reverse order, decorate the problem response it sets. Server errors are logged with their
 * stack (client errors are in the access log); no stack trace ever reaches the client.
 */
export const problemJson = (logger: Logger): MiddlewareObj<HttpEvent, HttpResult> => ({
  onError: (request) => {
    const problem = toProblem(request.error);
    // Client errors appear in the access log line with their detail; server errors also here,
    // with the error that caused them.
    if (problem.status >= 500) {
      logger.error('request failed', { status: problem.status, error: request.error as Error });
    }
    request.response = problemResponse(problem, request.event?.rawPath);
  },
});
