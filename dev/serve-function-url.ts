import type { RequestListener } from 'node:http';
import type { Context } from 'aws-lambda';
import { localLambdaContext } from '../lambdas/adapters/local/local-lambda-context.js';
import { functionUrlEvent } from './http-events.js';
import { installAwsLambdaGlobal, LambdaResponseStream } from './lambda-response-stream.js';
import { readBody } from './serve-http-api.js';

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
}

/**
 * A local Lambda function URL in `RESPONSE_STREAM` mode: builds the function URL event,
 * hands the handler a response stream like the runtime's, and relays each write to the client
 * as its own HTTP chunk (so `curl -N` shows tokens arrive). A client that disconnects destroys
 * the response stream, as Lambda does. Preflight requests are answered from the CORS
 * configuration without invoking the function, as the function URL service does.
 *
 * @example
 * createServer(functionUrlListener({ handler, corsOrigins, timeoutMs: 300_000 })).listen(3001);
 */
export const functionUrlListener = (options: ServeFunctionUrlOptions): RequestListener => {
  installAwsLambdaGlobal();
  return async (request, response) => {
    const origin = request.headers.origin;
    const allowedOrigin = origin && options.corsOrigins.includes(origin) ? origin : undefined;
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        ...(allowedOrigin
          ? {
              'access-control-allow-origin': allowedOrigin,
              'access-control-allow-methods': 'GET, POST',
              'access-control-allow-headers': 'authorization, content-type',
              'access-control-max-age': '300',
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
      body: await readBody(request),
    });
    const stream = new LambdaResponseStream({
      head: (prelude, contentType) => {
        const headers: Record<string, string | string[]> = {
          'content-type': contentType,
          ...(prelude.headers ?? {}),
          ...(allowedOrigin
            ? { 'access-control-allow-origin': allowedOrigin, vary: 'Origin' }
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
    try {
      await options.handler(event, stream, localLambdaContext('stream-chat', options.timeoutMs));
    } catch {
      if (!response.headersSent)
        response.writeHead(502, { 'content-type': 'application/problem+json' });
      response.end();
    }
  };
};
