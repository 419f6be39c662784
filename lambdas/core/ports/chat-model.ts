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

/** A buffered completion. */
export interface Completion {
  content: string;
  model: string;
  usage: TokenUsage;
}

/** One event of a streamed completion: a text delta, then exactly one `done` at the end. */
export type CompletionEvent =
  | { type: 'delta'; text: string }
  | { type: 'done'; model: string; usage: TokenUsage };

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
