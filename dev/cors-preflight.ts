import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTP_API_CORS } from '../lambdas/http/cors-policy.js';

/**
 * Answers a CORS preflight the way API Gateway's `corsPreflight` does, without calling a
 * function: an `OPTIONS` request with `Origin` and `Access-Control-Request-Method` gets a 204,
 * with the allow headers only when the origin is allowed (the browser then refuses the call).
 * Answers true when it handled the request.
 *
 * @example
 * if (answerCorsPreflight(request, response, ['http://localhost:5173'])) return;
 */
export const answerCorsPreflight = (
  request: IncomingMessage,
  response: ServerResponse,
  origins: readonly string[],
): boolean => {
  const origin = request.headers.origin;
  if (request.method !== 'OPTIONS' || !origin || !request.headers['access-control-request-method'])
    return false;
  response.writeHead(
    204,
    origins.includes(origin)
      ? {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': HTTP_API_CORS.allowMethods.join(','),
          'access-control-allow-headers': HTTP_API_CORS.allowHeaders.join(','),
          'access-control-max-age': String(HTTP_API_CORS.maxAgeSeconds),
          vary: 'origin',
        }
      : { vary: 'origin' },
  );
  response.end();
  return true;
};

/**
 * The headers API Gateway adds to an allowed origin's answers besides the function's own:
 * which response headers the page may read (`Location` of an upload, `Retry-After`).
 */
export const corsResponseHeaders = (
  request: IncomingMessage,
  origins: readonly string[],
): Record<string, string> => {
  const origin = request.headers.origin;
  return origin && origins.includes(origin)
    ? { 'access-control-expose-headers': HTTP_API_CORS.exposeHeaders.join(',') }
    : {};
};
