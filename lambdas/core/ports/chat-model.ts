/** A message sent to the chat model. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Token usage reported by the model. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/**
 * Why the model stopped: it finished (`stop`), reached its token cap (`length`), or its
 * provider withheld the rest (`content-filter`). Either of the last two cuts the answer short.
 */
export type FinishReason = 'stop' | 'length' | 'content-filter';

/** A buffered completion. */
export interface Completion {
  content: string;
  model: string;
  usage: TokenUsage;
  /** Absent: `stop`. */
  finishReason?: FinishReason;
}

/** One event of a streamed completion: a text delta, then exactly one `done` at the end. */
export type CompletionEvent =
  | { type: 'delta'; text: string }
  | { type: 'done'; model: string; usage: TokenUsage; finishReason?: FinishReason };

/**
 * Whether a model that stopped for `reason` left its answer unfinished.
 *
 * @example
 * cutShort('length'); // true
 */
export const cutShort = (reason: FinishReason | undefined): boolean =>
  reason === 'length' || reason === 'content-filter';

/** Options of a chat model call; `signal` aborts the upstream request. */
export interface CompletionOptions {
  signal?: AbortSignal;
  maxTokens?: number;
}

/** Port for a chat completion model. */
export interface ChatModel {
  readonly model: string;
  complete(messages: ChatMessage[], options?: CompletionOptions): Promise<Completion>;
  stream(messages: ChatMessage[], options?: CompletionOptions): AsyncIterable<CompletionEvent>;
}
