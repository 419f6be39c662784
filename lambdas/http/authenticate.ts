import type { MiddlewareObj } from '@middy/core';
import type { AuthenticatedCaller } from '../core/auth/authenticate-api-key.js';
import type { ApiContext } from './http-types.js';

/** What the middleware needs from the authenticator: resolve a header or throw a 401 problem. */
export interface CallerResolver {
  execute(authorization: string | undefined): Promise<AuthenticatedCaller>;
}

/** Options of {@link authenticate}. */
export interface AuthenticateOptions<TEvent> {
  resolver: CallerResolver;
  /** Whether the event targets a route declared public; every other route requires a key. */
  isPublic: (event: TEvent) => boolean;
  /** Reads the Authorization header (headers are normalised to lower case before this runs). */
  authorization: (event: TEvent) => string | undefined;
}

/** Resolves the request's caller from its Authorization header onto `context.principal`. */
const resolveCaller = async <TEvent>(
  options: AuthenticateOptions<TEvent>,
  request: { event: TEvent; context: ApiContext },
): Promise<void> => {
  request.context.principal = await options.resolver.execute(options.authorization(request.event));
};

/**
 * Middy middleware that authenticates every request by API key, the way FastAPI apps inject
 * the current user with `Depends`, and puts the caller on `context.principal`. Handlers read
 * the tenant only from there. Shared by the HTTP functions and the streaming function.
 */
export const authenticate = <TEvent>(
  options: AuthenticateOptions<TEvent>,
): MiddlewareObj<TEvent, unknown, Error, ApiContext> => ({
  // Synchronous for a public route: Middy awaits only a returned promise, so a route that needs
  // no caller costs no turn of the microtask queue.
  before: (request) => {
    if (options.isPublic(request.event)) return;
    return resolveCaller(options, request);
  },
});

/**
 * The tenant of an authenticated request.
 *
 * @throws Error when called for a public route: a programming error, not a client one.
 */
export const tenantOf = (context: ApiContext): string => {
  if (!context.principal) throw new Error('tenantOf() called on an unauthenticated request');
  return context.principal.tenantId;
};
