import type {
  ChatMessage,
  ChatModel,
  CompletionEvent,
  CompletionOptions,
} from '../ports/chat-model.js';

/** The reason a model call that was started and then not wanted is cancelled with. */
export class ModelCallWithdrawn extends Error {}

/** A streamed model call already under way: its first event is asked for at once. */
export interface StartedModelStream {
  /** The call's events; the first one is {@link StartedModelStream.first}. */
  events: AsyncIterator<CompletionEvent>;
  /** The first event (a rejection is handled: it surfaces only where this is awaited). */
  first: Promise<IteratorResult<CompletionEvent>>;
  /** Aborts the upstream request and closes the events; nothing of them is used after this. */
  withdraw(): void;
}

/**
 * Starts a streamed model call now (its request goes out within two event-loop turns) and asks
 * for its first event, so that the time to first token runs while the caller does other work.
 * The call stops with `options.signal` (the caller's: a stop, the time budget) or when
 * withdrawn, whichever comes first.
 *
 * @example
 * const call = startModelStream(model, prompt, { signal });
 * if (promptChanged) call.withdraw();
 * for (let next = await call.first; !next.done; next = await call.events.next()) { … }
 */
export const startModelStream = (
  model: ChatModel,
  prompt: ChatMessage[],
  options: CompletionOptions,
): StartedModelStream => {
  const withdrawn = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, withdrawn.signal])
    : withdrawn.signal;
  const events = model.stream(prompt, { ...options, signal })[Symbol.asyncIterator]();
  const first = events.next();
  first.catch(() => undefined);
  return {
    events,
    first,
    withdraw: () => {
      withdrawn.abort(new ModelCallWithdrawn('the model call was withdrawn'));
      // An event already handed over leaves the events suspended: close them (queued after a
      // pending one, which the abort ends).
      events.return?.().catch(() => undefined);
    },
  };
};
