/**
 * The HTTP API's CORS configuration apart from its origins: what API Gateway answers to a
 * preflight (`corsPreflight` of the stack's HTTP API) and what the local server answers in its
 * place. The allowed origins come from `CORS_ORIGINS` / the `corsOrigins` context.
 */
export const HTTP_API_CORS = {
  allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
  allowHeaders: ['authorization', 'content-type'],
  // The rate-limit headers too, so a browser client can pace itself before it gets a 429.
  exposeHeaders: ['location', 'retry-after', 'www-authenticate', 'ratelimit', 'ratelimit-policy'],
  maxAgeSeconds: 3_600,
} as const;

/**
 * The streaming function URL's CORS configuration apart from its origins: the function URL's
 * `cors` in the stack, and what the local server answers in its place.
 */
export const FUNCTION_URL_CORS = {
  allowMethods: ['GET', 'POST'],
  allowHeaders: ['authorization', 'content-type'],
  // A 429 before the stream starts says when to try again (Retry-After, RateLimit).
  exposeHeaders: ['retry-after', 'ratelimit', 'ratelimit-policy'],
  maxAgeSeconds: 3_600,
} as const;
