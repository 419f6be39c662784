import type { RequestListener } from 'node:http';
import type { Context } from 'aws-lambda';
import { localLambdaContext } from '../lambdas/adapters/local/local-lambda-context.js';
import { HttpProblem } from '../lambdas/core/problem.js';
import { FUNCTION_URL_CORS } from '../lambdas/http/cors-policy.js';
import { functionUrlEvent } from './http-events.js';
import {
  HTTP_INTEGRATION_CONTENT_TYPE,
  installAwsLambdaGlobal,
  LambdaResponseStream,
} from './lambda-response-stream.js';
import { RequestAbortedError, readRequestBody } from './read-request-body.js';
import { writeProblem } from './write-problem.js';

/** Lambda function URLs refuse request payloads above 6 MB. */
export const FUNCTION_URL_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/** A streaming handler as `awslambda.streamifyResponse` returns it. */
export type LocalStreamingHandler = (
  event: unknown,
  responseStream: LambdaResponseStream,
  context: Context,
) => Promise<void>;

/** Options of {@link serveFunctionUrl}. */
export interface ServeFunctionUrlOptions {
  handler: LocalStreamingHandler;
  /** Origins the function URL's CORS configuration allows (it answers preflights itself). */
  corsOrigins: readonly string[];
  timeoutMs: number;
  /**
   * The function's configured body limit; bodies above it (or above the function URL payload
   * limit) are refused with a 413 while being read.
   */
  maxBodyBytes?: number;
}

/**
 * A local Lambda function URL in `RESPONSE_STREAM` mode: builds the function URL event,
 * hands the handler a response stream like the runtime's, and relays each write to the client
 * as its own HTTP chunk (so `curl -N` shows tokens arrive). A client that disconnects destroys
 * the response stream, as Lambda does. Preflight requests are answered from the CORS
 * configuration without invoking the function, as the function URL service does. A body above
 * the limit is a 413 problem as soon as it passes it; a client that goes away mid-body is
 * dropped; a handler that throws is a 502 (or an ended stream once the answer has started).
 *
 * @example
 * createServer(functionUrlListener({ handler, corsOrigins, timeoutMs: 300_000 })).listen(3001);
 */
export const functionUrlListener = (options: ServeFunctionUrlOptions): RequestListener => {
  installAwsLambdaGlobal();
  return async (request, response) => {
    const origin = request.headers.origin;
    const allowedOrigin = origin && options.corsOrigins.includes(origin) ? origin : undefined;
    try {
      if (request.method === 'OPTIONS') {
        response.writeHead(204, {
          ...(allowedOrigin
            ? {
                'access-control-allow-origin': allowedOrigin,
                'access-control-allow-methods': FUNCTION_URL_CORS.allowMethods.join(', '),
                'access-control-allow-headers': FUNCTION_URL_CORS.allowHeaders.join(', '),
                'access-control-max-age': String(FUNCTION_URL_CORS.maxAgeSeconds),
                vary: 'Origin',
              }
            : {}),
        });
        response.end();
        return;
      }
      const event = functionUrlEvent({
        method: request.method ?? 'POST',
        url: request.url ?? '/',
        headers: request.headers,
        body: await readRequestBody(
          request,
          Math.min(
            FUNCTION_URL_PAYLOAD_LIMIT_BYTES,
            options.maxBodyBytes ?? FUNCTION_URL_PAYLOAD_LIMIT_BYTES,
          ),
        ),
      });
      const stream = new LambdaResponseStream({
        head: (prelude, contentType) => {
          const headers: Record<string, string | string[]> = {
            // A prelude's stream carries the integration type, which is Lambda's framing, not
            // the reply's: the reply has only the content type its prelude sets, if any.
            ...(contentType === HTTP_INTEGRATION_CONTENT_TYPE
              ? {}
              : { 'content-type': contentType }),
            ...(prelude.headers ?? {}),
            ...(allowedOrigin
              ? {
                  'access-control-allow-origin': allowedOrigin,
                  'access-control-expose-headers': FUNCTION_URL_CORS.exposeHeaders.join(', '),
                  vary: 'Origin',
                }
              : {}),
          };
          if (prelude.cookies?.length) headers['set-cookie'] = prelude.cookies;
          response.writeHead(prelude.statusCode ?? 200, headers);
          response.flushHeaders();
        },
        chunk: (data) => {
          response.write(data);
        },
        end: () => response.end(),
      });
      response.on('close', () => {
        if (!response.writableFinished) stream.destroy();
      });
      await options.handler(event, stream, localLambdaContext('stream-chat', options.timeoutMs));
    } catch (error) {
      if (error instanceof RequestAbortedError) response.destroy();
      else if (error instanceof HttpProblem) {
        // With the CORS headers, so the playground can read why its request was refused.
        writeProblem(response, error, {
          close: true,
          ...(allowedOrigin
            ? { headers: { 'access-control-allow-origin': allowedOrigin, vary: 'Origin' } }
            : {}),
        });
      } else if (response.headersSent) response.end();
      else writeProblem(response, new HttpProblem(502, { detail: 'The function failed' }));
    }
  };
};
