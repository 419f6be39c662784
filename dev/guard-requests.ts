import type { IncomingMessage, RequestListener } from 'node:http';
import { HttpProblem } from '../lambdas/core/problem.js';
import { writeProblem } from './write-problem.js';

/**
 * The `Host` values a local server on `port` answers to: the loopback names it is reached by.
 *
 * @example
 * servedHosts(3000) // Set { '127.0.0.1:3000', 'localhost:3000', '[::1]:3000' }
 */
export const servedHosts = (port: number): ReadonlySet<string> =>
  new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);

const isServed = (request: IncomingMessage, hosts: ReadonlySet<string>) =>
  hosts.has((request.headers.host ?? '').toLowerCase());

/**
 * Wraps a local server's listener so that no request can take the process down or reach it
 * under a foreign name:
 *
 * - a `Host` other than the served loopback names is a 421 problem, before anything else runs:
 *   a page on another site that rebinds its DNS name to 127.0.0.1 gets no dev key, no
 *   playground configuration and no API;
 * - a listener that throws or rejects answers a 500 problem (or, once the answer has started,
 *   ends the connection), instead of an unhandled rejection that would stop the process.
 *
 * @example
 * createServer(guardRequests({ hosts: servedHosts(port), listener }));
 */
export const guardRequests =
  (options: { hosts: () => ReadonlySet<string>; listener: RequestListener }): RequestListener =>
  (request, response) => {
    if (!isServed(request, options.hosts())) {
      writeProblem(
        response,
        new HttpProblem(421, {
          detail: `This server answers only for ${[...options.hosts()].join(', ')}`,
        }),
        { close: true },
      );
      return;
    }
    try {
      Promise.resolve(options.listener(request, response)).catch(() =>
        writeProblem(response, new HttpProblem(500), { close: true }),
      );
    } catch {
      writeProblem(response, new HttpProblem(500), { close: true });
    }
  };
