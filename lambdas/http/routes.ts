/** The Lambda functions that serve HTTP API routes, by the name the stack and the dev server use. */
export type HttpFunctionName = 'public' | 'chat' | 'documents';

/** One route of the HTTP API. */
export interface RouteDefinition {
  method: 'GET' | 'POST' | 'DELETE';
  /** API Gateway v2 path syntax: `{id}` for a path parameter. */
  path: string;
  function: HttpFunctionName;
  /** Public routes skip authentication; every other route requires an API key. */
  public?: true;
  /** Body media types the route accepts; a route without it takes no body. */
  accepts?: readonly BodyMediaType[];
  /**
   * Counted against the tenant's requests per minute (429 past it): every route whose cost to
   * the service is more than a read or two (a model call, an upload, a usage report).
   */
  limited?: true;
}

/** Body media types a route may accept. */
export type BodyMediaType = 'application/json' | 'multipart/form-data';

/**
 * Every route of the HTTP API: the single table the CDK stack turns into API Gateway routes,
 * the dev server dispatches on, and the auth test enumerates.
 */
export const ROUTES: readonly RouteDefinition[] = [
  { method: 'GET', path: '/health', function: 'public', public: true },
  { method: 'GET', path: '/openapi.json', function: 'public', public: true },
  { method: 'GET', path: '/docs', function: 'public', public: true },
  {
    method: 'POST',
    path: '/v1/chat',
    function: 'chat',
    accepts: ['application/json'],
    limited: true,
  },
  { method: 'GET', path: '/v1/sessions', function: 'chat' },
  // Limited: each report is some 240 counter reads, which a key could otherwise repeat at will.
  { method: 'GET', path: '/v1/usage', function: 'chat', limited: true },
  { method: 'GET', path: '/v1/sessions/{id}', function: 'chat' },
  { method: 'DELETE', path: '/v1/sessions/{id}', function: 'chat' },
  {
    method: 'POST',
    path: '/v1/documents',
    function: 'documents',
    accepts: ['application/json', 'multipart/form-data'],
    limited: true,
  },
  {
    method: 'POST',
    path: '/v1/uploads',
    function: 'documents',
    accepts: ['application/json'],
    limited: true,
  },
  { method: 'GET', path: '/v1/documents', function: 'documents' },
  { method: 'GET', path: '/v1/documents/{id}', function: 'documents' },
  { method: 'DELETE', path: '/v1/documents/{id}', function: 'documents' },
  { method: 'GET', path: '/v1/documents/{id}/chunks', function: 'documents' },
];

/** Source file of each HTTP function's handler, relative to the project root. */
export const HTTP_FUNCTION_ENTRIES: Record<HttpFunctionName, string> = {
  public: 'lambdas/handlers/public-api.ts',
  chat: 'lambdas/handlers/chat-api.ts',
  documents: 'lambdas/handlers/documents-api.ts',
};

/** The route key API Gateway and Middy's router use: `METHOD /path`. */
export const routeKey = (route: Pick<RouteDefinition, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;
