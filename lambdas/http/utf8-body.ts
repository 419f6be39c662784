import { isUtf8 } from 'node:buffer';
import { HttpProblem } from '../core/problem.js';

/**
 * Refuses, with a 400, a JSON body delivered in base64 whose bytes are not UTF-8 (JSON
 * exchanged between systems is UTF-8, RFC 8259 §8.1): decoded as is, each stray byte would
 * become U+FFFD, and text the client never wrote would be stored, embedded or asked. Call it
 * before the body is parsed. A body delivered as a string was decoded upstream already.
 *
 * @example
 * refuseNonUtf8Body(event.body, event.isBase64Encoded);
 */
export const refuseNonUtf8Body = (body: unknown, isBase64Encoded?: boolean): void => {
  if (!isBase64Encoded || typeof body !== 'string') return;
  if (isUtf8(Buffer.from(body, 'base64'))) return;
  throw new HttpProblem(400, {
    type: 'urn:problem:malformed-json',
    detail: 'The request body is not UTF-8 text',
  });
};
