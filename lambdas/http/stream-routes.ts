import { HttpProblem, notFound } from '../core/problem.js';

/** A request to the streaming function URL, by what it asks for. */
export type StreamRoute =
  | { kind: 'chat' }
  | { kind: 'resume'; chatId: string }
  | { kind: 'stop'; chatId: string };

const CHAT_ID = /^[A-Za-z0-9_-]{1,64}$/;

const methodNotAllowed = (allow: string) =>
  new HttpProblem(405, {
    detail: `This path of the streaming endpoint accepts ${allow} only`,
    headers: { allow },
  });

/**
 * Dispatches on the function URL's raw path, which (unlike API Gateway) has no route table:
 * `POST /` streams an answer; `GET /{chatId}/stream` resumes the chat's active answer (the
 * AI SDK's `reconnectToStream`); `POST /{chatId}/stop` stops it. The resume and stop routes
 * exist only when resumable streaming is on. Throws a 404 or 405 problem otherwise.
 *
 * @example
 * matchStreamRoute('GET', '/chat-1/stream', true) // { kind: 'resume', chatId: 'chat-1' }
 */
export const matchStreamRoute = (
  method: string,
  rawPath: string,
  resumable: boolean,
): StreamRoute => {
  if (rawPath === '/' || rawPath === '') {
    if (method !== 'POST') throw methodNotAllowed('POST');
    return { kind: 'chat' };
  }
  const [, chatId, action, ...rest] = rawPath.split('/');
  if (!resumable || !chatId || !CHAT_ID.test(chatId) || rest.length > 0) {
    throw notFound('Route');
  }
  if (action === 'stream') {
    if (method !== 'GET') throw methodNotAllowed('GET');
    return { kind: 'resume', chatId };
  }
  if (action === 'stop') {
    if (method !== 'POST') throw methodNotAllowed('POST');
    return { kind: 'stop', chatId };
  }
  throw notFound('Route');
};
