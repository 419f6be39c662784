import type { IncomingMessage } from 'node:http';
import { HttpProblem } from '../lambdas/core/problem.js';

/** The client went away (reset, or closed its side) before sending the whole body. */
export class RequestAbortedError extends Error {
  constructor() {
    super('The client closed the connection before the request body was complete');
    this.name = 'RequestAbortedError';
  }
}

const tooLarge = (maxBytes: number, declared?: number) =>
  new HttpProblem(413, {
    detail:
      declared === undefined
        ? `The request body exceeds the limit of ${maxBytes} bytes`
        : `The request body is ${declared} bytes; the limit is ${maxBytes} bytes`,
  });

/**
 * Reads a request body into one buffer, refusing it as soon as it passes `maxBytes`: a declared
 * `Content-Length` above the limit is refused before a byte is read, and a streamed (chunked)
 * body is refused at the chunk that crosses it. The rest of the body is left unread (the caller
 * answers 413 and closes the connection), so an oversized request costs at most the limit in
 * memory. Rejects with a 413 {@link HttpProblem} (`problem`'s, when given) or a
 * {@link RequestAbortedError}.
 *
 * Written by hand: Node's server has no body limit, and a body-parsing library would add a
 * second way of reading requests beside the Lambda handlers' own parsing.
 *
 * @example
 * const body = await readRequestBody(request, 1_048_576);
 */
export const readRequestBody = (
  request: IncomingMessage,
  maxBytes: number,
  problem: (declared?: number) => HttpProblem = (declared) => tooLarge(maxBytes, declared),
): Promise<Buffer> => {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(problem(declared));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void) => {
      request.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onGone);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.pause();
        settle(() => reject(problem()));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle(() => resolve(Buffer.concat(chunks, size)));
    const onGone = () => settle(() => reject(new RequestAbortedError()));
    request.on('data', onData).on('end', onEnd).on('error', onGone).on('close', onGone);
  });
};
