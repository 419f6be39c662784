import { HttpProblem, notFound } from '../core/problem.js';
import { resourceId } from '../core/schemas/common.js';
import { parsePart } from './request-parts.js';
import { decodeSegment } from './route-matcher.js';

/** A request to the streaming function URL, by what it asks for. */
export type StreamRoute =
  | { kind: 'chat' }
  | { kind: 'resume'; chatId: string }
  | { kind: 'stop'; chatId: string };

const chatIdOf = (segment: string): string =>
  parsePart(resourceId, decodeSegment(segment), 'path.chatId');

const methodNotAllowed = (allow: string) =>
  new HttpProblem(405, {
    detail: `This path of the streaming endpoint accepts ${allow} only`,
    headers: { allow },
  });

/** A route of the streaming function URL with its chat id's path segment as sent. */
type RouteShape = { kind: 'chat' } | { kind: 'resume' | 'stop'; segment: string };

/**
 * Dispatches on the function URL's raw path, which (unlike API Gateway) has no route table:
 * `POST /` streams an answer; `GET /{chatId}/stream` resumes the chat's active answer (the
 * AI SDK's `reconnectToStream`); `POST /{chatId}/stop` stops it. The resume and stop routes
 * exist only when resumable streaming is on. Throws a 404 or 405 problem otherwise; the chat
 * id is not read (see {@link matchStreamRoute}), as API Gateway routes before the key is checked.
 *
 * @example
 * routeShapeOf('GET', '/chat-1/stream', true) // { kind: 'resume', segment: 'chat-1' }
 */
export const routeShapeOf = (method: string, rawPath: string, resumable: boolean): RouteShape => {
  if (rawPath === '/' || rawPath === '') {
    if (method !== 'POST') throw methodNotAllowed('POST');
    return { kind: 'chat' };
  }
  const [, segment, action, ...rest] = rawPath.split('/');
  if (!resumable || !segment || rest.length > 0) throw notFound('Route');
  if (action === 'stream') {
    if (method !== 'GET') throw methodNotAllowed('GET');
    return { kind: 'resume', segment };
  }
  if (action === 'stop') {
    if (method !== 'POST') throw methodNotAllowed('POST');
    return { kind: 'stop', segment };
  }
  throw notFound('Route');
};

/**
 * The route of {@link routeShapeOf} with its chat id decoded (as API Gateway decodes a path
 * parameter) and validated: a chat id that is not an id is the 400 validation problem
 * (`path.chatId`) the HTTP API gives a malformed id.
 *
 * @example
 * matchStreamRoute('GET', '/chat-1/stream', true) // { kind: 'resume', chatId: 'chat-1' }
 */
export const matchStreamRoute = (
  method: string,
  rawPath: string,
  resumable: boolean,
): StreamRoute => {
  const shape = routeShapeOf(method, rawPath, resumable);
  return shape.kind === 'chat' ? shape : { kind: shape.kind, chatId: chatIdOf(shape.segment) };
};
