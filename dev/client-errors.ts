import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpProblem } from '../lambdas/core/problem.js';
import { problemResponse } from '../lambdas/http/responses.js';
import { writeProblem } from './write-problem.js';

/** The status Node itself answers a request it cannot read with, by the parser's error code. */
const statusOfClientError = (code: string | undefined): number => {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return 413;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
};

/** A whole HTTP/1.1 response carrying the problem, closing the connection. */
const rawProblem = (problem: HttpProblem): string => {
  const result = problemResponse(problem);
  const body = Buffer.from(result.body ?? '');
  const headers = Object.entries({
    ...result.headers,
    'content-length': String(body.length),
    connection: 'close',
  }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${problem.status} ${problem.title}\r\n${headers.join('')}\r\n${body}`;
};

/**
 * Makes a local server answer what Node refuses before any listener runs with the same
 * `application/problem+json` documents as the API, in place of Node's bodiless replies: a
 * request it cannot parse (an unknown method, a malformed line: 400), headers over the limit
 * (431), a request that took too long (408), an `Expect` other than `100-continue` (417).
 *
 * @example
 * answerClientErrorsAsProblems(createServer(listener));
 */
export const answerClientErrorsAsProblems = (server: Server): void => {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    // As Node does by default: answer only when nothing was written on this connection yet.
    const untouched = (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0;
    if (error.code !== 'ECONNRESET' && socket.writable && untouched) {
      socket.end(rawProblem(new HttpProblem(statusOfClientError(error.code))));
      return;
    }
    socket.destroy();
  });
  server.on('checkExpectation', (request, response) => {
    writeProblem(
      response,
      new HttpProblem(417, { detail: `Only Expect: 100-continue is supported` }),
      { close: true, instance: new URL(request.url ?? '/', 'http://local').pathname },
    );
  });
};
