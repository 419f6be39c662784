import type { ServerResponse } from 'node:http';
import type { HttpProblem } from '../lambdas/core/problem.js';
import { problemResponse } from '../lambdas/http/responses.js';

/** How long a refused connection stays open after its answer for the client to read it. */
const LINGER_MS = 1_000;

/**
 * Answers a request the local servers refuse themselves (before any function runs) with the
 * same `application/problem+json` document the functions send.
 *
 * With `close`, the request body is left unread and the connection is closed after the answer:
 * the answer is sent whole (`Connection: close`, `Content-Length`) at once, but the connection
 * is only closed once the client has closed it or after a short linger. Closing at once, with
 * the client's unread bytes still arriving, would make the kernel send a reset that can
 * destroy the answer before the client reads it (the "lingering close" of HTTP servers).
 *
 * @example
 * writeProblem(response, new HttpProblem(413, { detail: 'Too large' }), { close: true });
 */
export const writeProblem = (
  response: ServerResponse,
  problem: HttpProblem,
  options: { close?: boolean; instance?: string; headers?: Record<string, string> } = {},
): void => {
  if (response.headersSent || response.destroyed) {
    response.destroy();
    return;
  }
  const result = problemResponse(problem, options.instance);
  const body = Buffer.from(result.body ?? '');
  response.writeHead(result.statusCode, {
    ...result.headers,
    ...options.headers,
    'content-length': String(body.length),
    ...(options.close ? { connection: 'close' } : {}),
  });
  if (!options.close) {
    response.end(body);
    return;
  }
  response.write(body);
  const linger = setTimeout(() => response.end(), LINGER_MS);
  response.once('close', () => clearTimeout(linger));
};
