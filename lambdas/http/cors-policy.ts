/**
 * The HTTP API's CORS configuration apart from its origins: what API Gateway answers to a
 * preflight (`corsPreflight` of the stack's HTTP API) and what the local server answers in its
 * place. The allowed origins come from `CORS_ORIGINS` / the `corsOrigins` context.
 */
export const HTTP_API_CORS = {
  allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
  allowHeaders: ['authorization', 'content-type'],
  exposeHeaders: ['location', 'retry-after', 'www-authenticate'],
  maxAgeSeconds: 3_600,
} as const;
