import type { MiddlewareObj } from '@middy/core';
import { type RateLimitState, rateLimitHeaders } from '../core/limits/rate-limit-headers.js';
import { tenantOf } from './authenticate.js';
import type { ApiContext } from './http-types.js';

/** What the middleware needs from the limiter: count one request or throw a 429 problem. */
export interface RequestAdmitter {
  admitRequest(tenantId: string): Promise<RateLimitState>;
}

/** Options of {@link limitRequests}. */
export interface LimitRequestsOptions<TEvent> {
  /** The limiter; when absent, nothing is limited (a deployment without limits, most tests). */
  limiter?: RequestAdmitter;
  /** Whether the event targets a limited route (chat, stream, uploads). */
  isLimited: (event: TEvent) => boolean;
}

/**
 * Middy middleware that enforces the caller's tenant's requests per minute on the limited
 * routes. Register it after {@link authenticate}: it reads the tenant from
 * `context.principal`. A request past the limit is refused with the limiter's 429 problem
 * (`Retry-After`, `RateLimit-Policy`, `RateLimit`) before the route runs; an admitted one
 * gets the `RateLimit-Policy` and `RateLimit` headers on its answer.
 *
 * @example
 * .use(authenticate(...)).use(limitRequests({ limiter, isLimited: (event) => event.routeKey === 'POST /v1/chat' }))
 */
export const limitRequests = <TEvent>(
  options: LimitRequestsOptions<TEvent>,
): MiddlewareObj<TEvent, unknown, Error, ApiContext> => {
  const admitted = new WeakMap<object, RateLimitState>();
  return {
    before: async (request) => {
      if (!options.limiter || !options.isLimited(request.event)) return;
      const state = await options.limiter.admitRequest(tenantOf(request.context));
      admitted.set(request.context, state);
    },
    after: (request) => {
      const state = admitted.get(request.context);
      const response = request.response as { headers?: Record<string, string> } | undefined;
      if (!state || !response || typeof response !== 'object') return;
      response.headers = { ...response.headers, ...rateLimitHeaders(state) };
    },
  };
};
