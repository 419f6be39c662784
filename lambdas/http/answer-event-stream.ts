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

/** Options of {@link answerParts}. */
export interface AnswerPartsOptions {
  /** Turns a failure after the first byte into the text of the `error` part. */
  describeError: (error: unknown) => string;
  /** True when the answer was cut by the stop route: it then ends with `finish`, not `error`. */
  stopped?: () => boolean;
}

/**
 * The UI message stream parts of an answer, from the events of `AnswerQuestion.stream` (its
 * `start` already pulled): `start`, one `source-document` per source, `text-start`, a
 * `text-delta` per token, `text-end`, `finish`. A failure after `start` becomes an `error`
 * part; a stop requested by the user ends the text and sends `finish` with `interrupted`.
 *
 * @example
 * for await (const part of answerParts(start, rest, { describeError })) send(part);
 */
export async function* answerParts(
  start: Extract<AnswerEvent, { type: 'start' }>,
  rest: AsyncIterator<AnswerEvent>,
  options: AnswerPartsOptions,
): AsyncGenerator<UiMessagePart> {
  const textId = `text-${start.messageId}`;
  yield {
    type: 'start',
    messageId: start.messageId,
    messageMetadata: { sessionId: start.sessionId },
  };
  for (const source of start.sources) yield sourcePart(source);
  yield { type: 'text-start', id: textId };
  let failure: { error: unknown } | undefined;
  try {
    for (let next = await rest.next(); !next.done; next = await rest.next()) {
      const event = next.value;
      if (event.type === 'delta') yield { type: 'text-delta', id: textId, delta: event.text };
      if (event.type === 'finish') {
        yield { type: 'text-end', id: textId };
        yield {
          type: 'finish',
          finishReason: event.finishReason ?? 'stop',
          messageMetadata: {
            sessionId: start.sessionId,
            model: event.message.model ?? '',
            usage: event.usage,
            ...(event.budget ? { budget: event.budget } : {}),
            ...(event.message.incomplete ? { incomplete: true } : {}),
          },
        };
      }
    }
  } catch (error) {
    failure = { error };
  }
  if (!failure) return;
  if (options.stopped?.()) {
    yield { type: 'text-end', id: textId };
    yield {
      type: 'finish',
      finishReason: 'interrupted',
      messageMetadata: { sessionId: start.sessionId, incomplete: true },
    };
    return;
  }
  yield { type: 'error', errorText: options.describeError(failure.error) };
}

/** A live response body, fed part by part. */
export interface UiMessageBody {
  body: Readable;
  /** Sends one part, unless the client has gone away. */
  send(part: UiMessagePart): void;
  /** Sends `[DONE]` and ends the body. */
  end(): void;
}

/**
 * The bytes of an AI SDK UI message stream: each frame pushed on its own, followed by
 * {@link FLUSH_MARKER}; a `: ping` comment whenever nothing was sent for `pingIntervalMs`;
 * `data: [DONE]` at the end. `onClose` runs when the body is destroyed (the client went away).
 *
 * @example
 * const live = uiMessageBody({ pingIntervalMs: 15_000, onClose: () => abort.abort() });
 * live.send(part); live.end();
 */
export const uiMessageBody = (options: {
  pingIntervalMs: number;
  onClose?: () => void;
}): UiMessageBody => {
  let ping: NodeJS.Timeout | undefined;
  const body = new Readable({
    read: () => undefined,
    destroy: (error, callback) => {
      clearTimeout(ping);
      options.onClose?.();
      callback(error);
    },
  });
  const push = (frame: string) => {
    if (body.destroyed) return;
    body.push(frame);
    body.push(FLUSH_MARKER);
    clearTimeout(ping);
    ping = setTimeout(() => push(PING_FRAME), options.pingIntervalMs);
  };
  return {
    body,
    send: (part) => push(encodePart(part)),
    end: () => {
      push(DONE_FRAME);
      clearTimeout(ping);
      if (!body.destroyed) body.push(null);
    },
  };
};

/** Options of {@link answerEventStream}. */
export interface AnswerEventStreamOptions extends AnswerPartsOptions {
  /** Aborted when the client goes away (the stream is destroyed). */
  abort: AbortController;
  pingIntervalMs: number;
}

/**
 * The response body of an answer that is not recorded: {@link answerParts} written to a
 * {@link uiMessageBody}, then `[DONE]`. Destroying the stream (client gone) aborts
 * `options.abort`, which stops the model call. `done` settles once the answer's events are
 * drained, the storing of a partial answer included: the invocation must last until then, as
 * Lambda may freeze the container once it returns.
 *
 * @example
 * const { body, done } = answerEventStream(start, rest, options);
 * return { statusCode: 200, headers: UI_MESSAGE_STREAM_HEADERS, body };
 */
export const answerEventStream = (
  start: Extract<AnswerEvent, { type: 'start' }>,
  rest: AsyncIterator<AnswerEvent>,
  options: AnswerEventStreamOptions,
): { body: Readable; done: Promise<void> } => {
  const live = uiMessageBody({
    pingIntervalMs: options.pingIntervalMs,
    onClose: () => {
      if (!options.abort.signal.aborted) options.abort.abort(new Error('client disconnected'));
    },
  });
  const run = async () => {
    for await (const part of answerParts(start, rest, options)) live.send(part);
    live.end();
  };
  return { body: live.body, done: run() };
};
