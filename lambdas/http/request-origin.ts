import type { HttpEvent } from './http-types.js';

/**
 * The origin the client used to reach the API: the scheme API Gateway reports in
 * `x-forwarded-proto` (`https` when absent, as API Gateway serves only HTTPS) and the host it
 * was called by. The OpenAPI `servers` entry uses it, so Swagger's "Try it out" calls back the
 * same origin behind API Gateway, a custom domain, or the plain-HTTP local stack.
 *
 * @example
 * requestOrigin(event) // 'http://127.0.0.1:4000' locally, 'https://abc.execute-api…' in AWS
 */
export const requestOrigin = (event: HttpEvent): string => {
  const proto = event.headers['x-forwarded-proto']?.split(',')[0]?.trim().toLowerCase();
  const scheme = proto === 'http' ? 'http' : 'https';
  return `${scheme}://${event.requestContext.domainName}`;
};
