import { HttpProblem } from '../core/problem.js';
import type { HttpEvent, HttpResult } from './http-types.js';
import { matchRoute } from './route-matcher.js';

/**
 * Answers requests that match no declared route (API Gateway's `$default`): 405 with `Allow`
 * when the path exists under another method, 404 otherwise. `servesHead` says for which paths
 * the caller answers HEAD as GET, so that `Allow` names it there (RFC 9110: the methods the
 * resource supports).
 */
export const unknownRoute = async (
  event: HttpEvent,
  servesHead: (path: string) => boolean = () => false,
): Promise<HttpResult> => {
  const match = matchRoute(event.requestContext.http.method, event.rawPath);
  if (match.kind === 'method-not-allowed') {
    const head = match.allow.includes('GET') && servesHead(event.rawPath) ? ['HEAD'] : [];
    throw new HttpProblem(405, {
      detail: `${event.requestContext.http.method} is not allowed on ${event.rawPath}`,
      headers: { allow: [...match.allow, ...head].join(', ') },
    });
  }
  throw new HttpProblem(404, { detail: `No route matches ${event.rawPath}` });
};
