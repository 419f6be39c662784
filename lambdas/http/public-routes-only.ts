import { HttpProblem } from '../core/problem.js';
import type { CallerResolver } from './authenticate.js';

/**
 * The caller resolver of a function that serves only routes declared public (the public
 * function): it reads no key store, so its bundle carries no table client for authentication,
 * and a route that would need a key, were one ever routed to it, is refused with a 401.
 *
 * @example
 * createHttpHandler({ ...options, resolver: publicRoutesOnly, routes: { 'GET /health': health } });
 */
export const publicRoutesOnly: CallerResolver = {
  execute: async () => {
    throw new HttpProblem(401, {
      type: 'urn:problem:unauthorized',
      detail: 'This function serves only public routes',
      headers: { 'www-authenticate': 'Bearer realm="api"' },
    });
  },
};
