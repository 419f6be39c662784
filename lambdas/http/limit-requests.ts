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
  /** Whether the event targets a limited route (chat, stream, uploads, usage). */
  isLimited: (event: TEvent) => boolean;
}

/** The two middlewares of {@link limitRequests}. */
export interface RequestLimits<TEvent> {
  /** Counts the request or refuses it with the limiter's 429; register after `authenticate`. */
  admit: MiddlewareObj<TEvent, unknown, Error, ApiContext>;
  /**
   * Adds `RateLimit-Policy` and `RateLimit` to the answer of an admitted request, a problem
   * included; register before `problemJson`, so that Middy runs its `onError` after the
   * problem is rendered.
   */
  headers: MiddlewareObj<TEvent, unknown, Error, ApiContext>;
}

/**
 * Middy middlewares that enforce the caller's tenant's requests per minute on the limited
 * routes. `admit` reads the tenant from `context.principal`: a request past the limit is
 * refused with the limiter's 429 problem (`Retry-After`, `RateLimit-Policy`, `RateLimit`)
 * before the route runs. `headers` tells an admitted one what is left of the quota on its
 * answer, whether the route succeeded or failed (a 400 or a 502 counted too).
 *
 * @example
 * const limits = limitRequests({ limiter, isLimited: (event) => event.routeKey === 'POST /v1/chat' });
 * middy().use(limits.headers).use(problemJson(logger)).use(authenticate(...)).use(limits.admit)
 */
export const limitRequests = <TEvent>(
  options: LimitRequestsOptions<TEvent>,
): RequestLimits<TEvent> => {
  const admitted = new WeakMap<object, RateLimitState>();
  const annotate = (request: { context: ApiContext; response: unknown }) => {
    const state = admitted.get(request.context);
    const response = request.response as { headers?: Record<string, string> } | undefined;
    if (!state || !response || typeof response !== 'object') return;
    // A refusal of its own (the concurrent streams' 429) keeps the policy it names.
    response.headers = { ...rateLimitHeaders(state), ...response.headers };
  };
  const admit = async (limiter: RequestAdmitter, context: ApiContext): Promise<void> => {
    admitted.set(context, await limiter.admitRequest(tenantOf(context)));
  };
  return {
    admit: {
      // Synchronous when nothing is counted: Middy awaits only a returned promise.
      before: (request) => {
        const { limiter } = options;
        if (!limiter || !options.isLimited(request.event)) return;
        return admit(limiter, request.context);
      },
    },
    headers: { after: annotate, onError: annotate },
  };
};
