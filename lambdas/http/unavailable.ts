import type { Writable } from 'node:stream';
import { HttpProblem } from '../core/problem.js';
import type { WhileUnavailable } from './deferred-handler.js';
import type { HttpResult } from './http-types.js';
import { problemBody, problemResponse } from './responses.js';
import { securityHeadersOf } from './security-headers.js';

/** Seconds a client is told to wait before retrying while the function cannot compose. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** The 503 problem answered while a function's dependencies cannot be composed. */
export const unavailableProblem = (): HttpProblem =>
  new HttpProblem(503, {
    detail: 'The service is starting and a dependency is not reachable yet; retry shortly.',
    headers: { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
  });

type HttpHandler = (event: { rawPath?: string }, ...rest: never[]) => Promise<HttpResult>;

/**
 * For an API Gateway function: while composition fails, each request gets a 503
 * `application/problem+json` with `Retry-After`.
 */
export const httpUnavailable: WhileUnavailable = {
  answer: () =>
    (async (event: { rawPath?: string }) => {
      const response = problemResponse(unavailableProblem(), event.rawPath);
      // Made without the middleware stack, which composition would have built: its headers too.
      const security = await securityHeadersOf('application/problem+json');
      return { ...response, headers: { ...security, ...response.headers } };
    }) as HttpHandler,
};

/** `awslambda.HttpResponseStream`, the runtime's function URL prelude writer. */
interface HttpResponseStreamFactory {
  from(
    stream: Writable,
    prelude: { statusCode: number; headers: Record<string, string> },
  ): Writable;
}

/**
 * For a streaming function URL: while composition fails, each request gets a 503
 * `application/problem+json` with `Retry-After`, written through the runtime's
 * `awslambda.HttpResponseStream` before any stream part.
 */
export const streamUnavailable: WhileUnavailable = {
  streaming: true,
  answer: () => async (event: { rawPath?: string }, responseStream: Writable) => {
    const problem = unavailableProblem();
    const { HttpResponseStream } = (
      globalThis as unknown as {
        awslambda: { HttpResponseStream: HttpResponseStreamFactory };
      }
    ).awslambda;
    const stream = HttpResponseStream.from(responseStream, {
      statusCode: problem.status,
      headers: {
        ...(await securityHeadersOf('application/problem+json')),
        'content-type': 'application/problem+json',
        'cache-control': 'no-store',
        ...problem.headers,
      },
    });
    await new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      // The runtime writes the prelude on the first `write`, which `end(data)` would skip.
      stream.write(JSON.stringify(problemBody(problem, event.rawPath)));
      stream.end(() => resolve());
    });
  },
};
