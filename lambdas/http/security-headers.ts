import type { MiddlewareObj } from '@middy/core';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { HttpEvent, HttpResult } from './http-types.js';

const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** Gives every response without its own policy the strict one an API needs. */
const defaultContentSecurityPolicy = (): MiddlewareObj<HttpEvent, HttpResult> => {
  const apply = (request: { response?: HttpResult | null }) => {
    if (!request.response) return;
    request.response.headers ??= {};
    request.response.headers['Content-Security-Policy'] ??= API_CONTENT_SECURITY_POLICY;
  };
  return { after: apply, onError: apply };
};

/**
 * The security headers of every response of the API's functions, errors included (Middy's
 * `http-security-headers`, with the API's strict Content-Security-Policy unless a response
 * brings its own, as the docs page does), for the HTTP API functions and the streaming
 * function URL alike: the function URL adds none of its own.
 *
 * @example
 * middy(handler).use(securityHeaders());
 */
export const securityHeaders = (): MiddlewareObj<HttpEvent, HttpResult>[] => [
  httpSecurityHeaders({
    // Set per response by the default below: the API's JSON is locked down, HTML pages bring their own.
    contentSecurityPolicy: false,
    crossOriginEmbedderPolicy: false,
    permissionsPolicy: false,
  }) as MiddlewareObj<HttpEvent, HttpResult>,
  defaultContentSecurityPolicy(),
];

/**
 * The headers {@link securityHeaders} gives a response of `contentType`, for a reply made
 * without the middleware stack (the 503 a function answers while it cannot compose).
 *
 * @example
 * const headers = await securityHeadersOf('application/problem+json');
 */
export const securityHeadersOf = async (contentType: string): Promise<Record<string, string>> => {
  const request = { response: { statusCode: 200, headers: { 'content-type': contentType } } };
  for (const middleware of securityHeaders()) {
    await (middleware.after as ((request: unknown) => Promise<void> | void) | undefined)?.(request);
  }
  const { 'content-type': _, ...headers } = request.response.headers as Record<string, string>;
  return headers;
};
