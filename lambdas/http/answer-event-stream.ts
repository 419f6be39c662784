import { Readable } from 'node:stream';
import type { AnswerEvent } from '../core/chat/answer-question.js';
import {
  DONE_FRAME,
  encodePart,
  FLUSH_MARKER,
  PING_FRAME,
  sourcePart,
  type UiMessagePart,
} from '../core/chat/ui-message-stream.js';

/** Options of {@link answerEventStream}. */
export interface AnswerEventStreamOptions {
  /** Aborted when the client goes away (the stream is destroyed). */
  abort: AbortController;
  pingIntervalMs: number;
  /** Turns a failure after the first byte into the text of the `error` part. */
  describeError: (error: unknown) => string;
}

/**
 * Turns the events of `AnswerQuestion.stream` (its `start` already pulled) into the bytes of an
 * AI SDK UI message stream: `start`, one `source-document` per source, `text-start`, a
 * `text-delta` per token, `text-end`, `finish`, then `data: [DONE]`; a failure after the first
 * byte becomes an `error` part before `[DONE]`. Each frame is pushed on its own, followed by
 * {@link FLUSH_MARKER}; a `: ping` comment goes out whenever the model has been silent for
 * `pingIntervalMs`. Destroying the stream (client gone) aborts `options.abort`.
 *
 * @example
 * return { statusCode: 200, headers: UI_MESSAGE_STREAM_HEADERS, body: answerEventStream(start, rest, options) };
 */
export const answerEventStream = (
  start: Extract<AnswerEvent, { type: 'start' }>,
  rest: AsyncIterator<AnswerEvent>,
  options: AnswerEventStreamOptions,
): Readable => {
  let ping: NodeJS.Timeout | undefined;
  const stream = new Readable({
    read: () => undefined,
    destroy: (error, callback) => {
      clearTimeout(ping);
      if (!options.abort.signal.aborted) options.abort.abort(new Error('client disconnected'));
      callback(error);
    },
  });
  const push = (frame: string) => {
    if (stream.destroyed) return;
    stream.push(frame);
    stream.push(FLUSH_MARKER);
    clearTimeout(ping);
    ping = setTimeout(() => push(PING_FRAME), options.pingIntervalMs);
  };
  const send = (part: UiMessagePart) => push(encodePart(part));
  const textId = `text-${start.messageId}`;

  const run = async () => {
    send({
      type: 'start',
      messageId: start.messageId,
      messageMetadata: { sessionId: start.sessionId },
    });
    for (const source of start.sources) send(sourcePart(source));
    send({ type: 'text-start', id: textId });
    try {
      for (let next = await rest.next(); !next.done; next = await rest.next()) {
        const event = next.value;
        if (event.type === 'delta') send({ type: 'text-delta', id: textId, delta: event.text });
        if (event.type === 'finish') {
          send({ type: 'text-end', id: textId });
          send({
            type: 'finish',
            finishReason: 'stop',
            messageMetadata: {
              sessionId: start.sessionId,
              model: event.message.model ?? '',
              usage: event.usage,
            },
          });
        }
      }
    } catch (error) {
      send({ type: 'error', errorText: options.describeError(error) });
    }
    push(DONE_FRAME);
    clearTimeout(ping);
    if (!stream.destroyed) stream.push(null);
  };
  void run();
  return stream;
};
