import type { MiddlewareObj } from '@middy/core';
import { HttpProblem } from '../core/problem.js';
import type { HttpEvent } from './http-types.js';

/**
 * Byte length of an HTTP API event body, decoding base64 bodies arithmetically (no copy).
 *
 * @example
 * bodyByteLength({ body: 'aGk=', isBase64Encoded: true }) // 2
 */
export const bodyByteLength = (event: Pick<HttpEvent, 'body' | 'isBase64Encoded'>): number => {
  const body = event.body ?? '';
  if (!event.isBase64Encoded) return Buffer.byteLength(body, 'utf8');
  const padding = body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0;
  return Math.floor((body.length * 3) / 4) - padding;
};

/**
 * Middy middleware answering 413 when the request body exceeds `maxBytes`, before any parsing
 * (with `tooLarge`'s problem when given: the documents function names the upload limit).
 * Written by hand: no Middy middleware limits body size.
 */
export const bodyLimit = (
  maxBytes: number,
  tooLarge: (size: number) => HttpProblem = (size) =>
    new HttpProblem(413, {
      detail: `The request body is ${size} bytes; the limit is ${maxBytes} bytes`,
    }),
): MiddlewareObj<HttpEvent> => ({
  before: (request) => {
    const size = bodyByteLength(request.event);
    if (size > maxBytes) throw tooLarge(size);
  },
});
