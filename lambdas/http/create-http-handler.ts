import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { HttpProblem } from '../core/problem.js';
import { refuseRepeatedMembers } from '../core/text/repeated-member.js';
import { accessLog } from './access-log.js';
import { authenticate, type CallerResolver } from './authenticate.js';
import { bodyLimit } from './body-limit.js';
import { correlateLogs } from './correlate-logs.js';
import type { ApiContext, HttpEvent, HttpResult } from './http-types.js';
import { limitRequests, type RequestAdmitter } from './limit-requests.js';
import { acceptedMediaType } from './media-type.js';
import { problemJson } from './problem-json.js';
import { ROUTES, type RouteDefinition, routeKey } from './routes.js';
import { securityHeaders } from './security-headers.js';
import { refuseNonUtf8Body } from './utf8-body.js';
import { wellFormedStrings } from './well-formed-json.js';

/** A route's implementation: receives the normalised event and the context with the caller. */
export type RouteHandler = (event: HttpEvent, context: ApiContext) => Promise<HttpResult>;

/** The route key API Gateway gives requests that match no declared route. */
export const DEFAULT_ROUTE = '$default';

/** Options of {@link createHttpHandler}. */
export interface HttpHandlerOptions {
  logger: Logger;
  resolver: CallerResolver;
  corsOrigins: readonly string[];
  maxBodyBytes: number;
  /** The problem a body over `maxBodyBytes` gets, when not the generic one. */
  bodyTooLarge?: (size: number) => HttpProblem;
  /** Implementations by route key (`'GET /health'`); each key must be declared in `ROUTES`. */
  routes: Record<string, RouteHandler>;
  /** Handles the `$default` route (unknown paths); public by nature. */
  fallback?: RouteHandler;
  /** The declared routes; the application's `ROUTES` unless a test declares its own. */
  routeTable?: readonly RouteDefinition[];
  /** Enforces requests per minute on the routes declared `limited`; none when absent. */
  limiter?: RequestAdmitter;
}

type RouteLookup = (event: HttpEvent) => RouteDefinition | undefined;

// The media type is decided once, by `acceptedMediaType`; Middy's own check would refuse types
// RFC 9110 allows (`application/json ; charset=utf-8`) with a 415 of its own.
const jsonBodyParser = httpJsonBodyParser({
  disableContentTypeCheck: true,
  reviver: wellFormedStrings,
}) as MiddlewareObj<HttpEvent>;

/**
 * Parses the body with Middy's own parsers according to what the route accepts; a body of any
 * other media type is a 415 naming what the route accepts, and JSON that does not parse a 400.
 * Multipart bodies are left to the route's function (`parse-multipart.ts`).
 */
const routeBodyParser = (routeOf: RouteLookup): MiddlewareObj<HttpEvent> => ({
  // Synchronous, as Middy's JSON parser is: Middy awaits only a returned promise, so a request
  // costs no turn of the microtask queue here.
  before: (request) => {
    const accepts = routeOf(request.event)?.accepts ?? [];
    if (accepts.length === 0) return;
    const mediaType = acceptedMediaType(request.event.headers['content-type'], accepts);
    if (mediaType !== 'application/json') return;
    const { body, isBase64Encoded } = request.event;
    refuseNonUtf8Body(body, isBase64Encoded);
    jsonBodyParser.before?.(request);
    refuseRepeatedMembers(body, isBase64Encoded);
  },
});

/**
 * Builds an HTTP API function with the project's standard middleware stack: Powertools logger
 * with the Lambda context and request id, one access log line per request, header normalisation, CORS, security headers,
 * problem+json errors, a body size limit, API key authentication (skipped only for routes
 * declared public in `ROUTES`) and body parsing; then dispatches on the event's route key.
 *
 * @example
 * export const createHandler = (deps: Deps) =>
 *   createHttpHandler({ ...deps.http, routes: { 'GET /v1/sessions': listSessions(deps) } });
 */
export const createHttpHandler = (options: HttpHandlerOptions) => {
  const declaredRoutes = new Map(
    (options.routeTable ?? ROUTES).map((route) => [routeKey(route), route]),
  );
  const routeOf: RouteLookup = (event) => declaredRoutes.get(event.routeKey);
  for (const key of Object.keys(options.routes)) {
    if (!declaredRoutes.has(key)) throw new Error(`Route ${key} is not declared in ROUTES`);
  }
  const dispatch = async (event: HttpEvent, context: ApiContext): Promise<HttpResult> => {
    const route = options.routes[event.routeKey];
    if (route) return route(event, context);
    if (options.fallback) return options.fallback(event, context);
    throw new HttpProblem(404, { detail: `No route for ${event.routeKey}` });
  };

  const limits = limitRequests<HttpEvent>({
    ...(options.limiter ? { limiter: options.limiter } : {}),
    isLimited: (event) => routeOf(event)?.limited === true,
  });
  return middy<HttpEvent, HttpResult, Error, ApiContext>()
    .use(injectLambdaContext(options.logger))
    .use(correlateLogs(options.logger))
    .use(accessLog(options.logger))
    .use(httpHeaderNormalizer())
    .use(httpCors({ origins: [...options.corsOrigins], credentials: false }))
    .use(securityHeaders())
    .use(limits.headers)
    .use(problemJson(options.logger))
    .use(bodyLimit(options.maxBodyBytes, options.bodyTooLarge))
    .use(
      authenticate<HttpEvent>({
        resolver: options.resolver,
        isPublic: (event) => event.routeKey === DEFAULT_ROUTE || routeOf(event)?.public === true,
        authorization: (event) => event.headers.authorization,
      }),
    )
    .use(limits.admit)
    .use(routeBodyParser(routeOf))
    .handler(dispatch);
};
