import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { localLambdaContext } from '../lambdas/adapters/local/local-lambda-context.js';
import { HttpProblem } from '../lambdas/core/problem.js';
import type { HttpResult } from '../lambdas/http/http-types.js';
import { matchRoute } from '../lambdas/http/route-matcher.js';
import type { HttpFunctionName } from '../lambdas/http/routes.js';
import { routeKey } from '../lambdas/http/routes.js';
import { securityHeadersOf } from '../lambdas/http/security-headers.js';
import { answerCorsPreflight, corsResponseHeaders } from './cors-preflight.js';
import { apiGatewayEvent } from './http-events.js';
import { RequestAbortedError, readRequestBody } from './read-request-body.js';
import { writeProblem } from './write-problem.js';

/** API Gateway HTTP APIs refuse request payloads above 10 MB. */
export const API_GATEWAY_PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

/** An HTTP API function as the dev server calls it. */
export type LocalHttpFunction = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<HttpResult>;

/** Options of {@link serveHttpApi}. */
export interface ServeHttpApiOptions {
  functions: Partial<Record<HttpFunctionName, LocalHttpFunction>>;
  /** Requests that match no route and that `extra` does not answer go to `$default`. */
  extra?: (request: IncomingMessage, response: ServerResponse) => boolean;
  timeoutMs?: number;
  /**
   * The body limit each function is configured with (its `maxBodyBytes`); bodies above it, or
   * above API Gateway's payload limit, are refused with a 413 while being read. Functions not
   * named here are held to API Gateway's limit only.
   */
  maxBodyBytes?: Partial<Record<HttpFunctionName, number>>;
  /** The problem a body over a function's limit gets, when not the generic one. */
  bodyTooLarge?: Partial<Record<HttpFunctionName, () => HttpProblem>>;
  /**
   * Origins of the HTTP API's CORS configuration: their preflights are answered here, as API
   * Gateway answers them, and their answers expose the headers API Gateway exposes.
   */
  corsOrigins?: readonly string[];
}

/** Reads a whole request body into one buffer, without a limit (for test stand-ins). */
export const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const writeResult = (
  response: ServerResponse,
  result: HttpResult,
  extraHeaders: Record<string, string>,
) => {
  const headers: Record<string, string | string[]> = { ...(result.headers ?? {}), ...extraHeaders };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body
    ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.alloc(0);
  response.writeHead(result.statusCode, { ...headers, 'content-length': String(body.length) });
  response.end(body);
};

/**
 * A request listener that plays API Gateway for the local stack: it matches each request
 * against the route table, builds a real API Gateway v2 event (route key, path parameters,
 * base64 for binary bodies) and calls the same handler the Lambda function runs. CORS
 * preflights are answered from `corsOrigins` without calling a function, as API Gateway does.
 *
 * @example
 * createServer(httpApiListener({ functions: { public: publicHandler, chat, documents } })).listen(3000);
 */
export const httpApiListener =
  (options: ServeHttpApiOptions): RequestListener =>
  async (request, response) => {
    try {
      if (answerCorsPreflight(request, response, options.corsOrigins ?? [])) return;
      if (options.extra?.(request, response)) return;
      const method = request.method ?? 'GET';
      const path = new URL(request.url ?? '/', 'http://local').pathname;
      const match = matchRoute(method, path);
      const found = match.kind === 'found' ? match : undefined;
      const name: HttpFunctionName = found ? found.route.function : 'public';
      const fn = options.functions[name] ?? options.functions.public;
      if (!fn) throw new Error('the public function is not served');
      const maxBytes = Math.min(
        API_GATEWAY_PAYLOAD_LIMIT_BYTES,
        options.maxBodyBytes?.[name] ?? API_GATEWAY_PAYLOAD_LIMIT_BYTES,
      );
      const event = apiGatewayEvent({
        method,
        url: request.url ?? '/',
        headers: request.headers,
        body: await readRequestBody(request, maxBytes, options.bodyTooLarge?.[name]),
        routeKey: found ? routeKey(found.route) : '$default',
        ...(found && Object.keys(found.pathParameters).length > 0
          ? { pathParameters: found.pathParameters }
          : {}),
      });
      writeResult(
        response,
        await fn(event, localLambdaContext(name, options.timeoutMs ?? 29_000)),
        corsResponseHeaders(request, options.corsOrigins ?? []),
      );
    } catch (error) {
      if (error instanceof RequestAbortedError) {
        response.destroy();
        return;
      }
      // The server's own problems (a body over the function's limit) carry the headers the
      // function would have given, so a page of an allowed origin can read why.
      const origin = request.headers.origin;
      const headers = {
        ...(await securityHeadersOf('application/problem+json')),
        ...(origin && (options.corsOrigins ?? []).includes(origin)
          ? {
              'access-control-allow-origin': origin,
              vary: 'Origin',
              ...corsResponseHeaders(request, options.corsOrigins ?? []),
            }
          : {}),
      };
      if (error instanceof HttpProblem) {
        writeProblem(response, error, { close: true, headers });
        return;
      }
      writeProblem(
        response,
        new HttpProblem(502, {
          detail: `The function failed: ${error instanceof Error ? error.message : String(error)}`,
        }),
        { headers },
      );
    }
  };
