import type {
  ChatMessage,
  ChatModel,
  Completion,
  CompletionEvent,
  CompletionOptions,
  TokenUsage,
} from '../../../lambdas/core/ports/chat-model.js';

/** A scripted reply: fixed text, or text computed from the prompt. */
export type FakeReply = string | ((messages: ChatMessage[]) => string);

/** Called for each streamed token just before it is handed over; may be async. */
export type TokenCallback = (token: string, index: number) => void | Promise<void>;

/** Options of {@link FakeChatModel}. */
export interface FakeChatModelOptions {
  /** The model name reported in every answer (default `fake-chat-model`). */
  model?: string;
  /** Replies for the next calls, in order (see {@link FakeChatModel.reply}). */
  replies?: FakeReply[];
  /** The reply once the scripted ones are used up (default: echoes the last user message). */
  defaultReply?: FakeReply;
  /** Called for each streamed token (see {@link TokenCallback}). */
  onToken?: TokenCallback;
}

/** One call the fake received. */
export interface FakeChatCall {
  kind: 'complete' | 'stream';
  messages: ChatMessage[];
  options: CompletionOptions;
  /** The tokens a stream handed over before it ended or failed. */
  tokens: string[];
  /** True when the caller's signal ended the call. */
  aborted: boolean;
}

interface ScriptedFailure {
  error: Error;
  afterTokens: number;
}

/** Splits text into stream tokens the way OpenAI-style streams look: words with their leading space. */
export const fakeTokens = (text: string): string[] => text.match(/\s*\S+/g) ?? [];

const echo: FakeReply = (messages) => {
  const last = [...messages].reverse().find((message) => message.role === 'user');
  return `Fake answer to: ${last?.content ?? ''}`;
};

/**
 * A {@link ChatModel} for use-case and handler tests: scripted replies, streaming token by
 * token with a per-token callback, failures injected before any token or after N tokens, and
 * a record of every call. Like the OpenAI adapter, it stops with the signal's reason as soon as
 * the caller's signal aborts.
 *
 * @example
 * const model = new FakeChatModel({ replies: ['Path parameters are declared in the path [1].'] });
 * model.failWith(new DependencyError('openai', 'unavailable', 'boom'), { afterTokens: 2 });
 * model.onToken = (token, index) => { if (index === 1) controller.abort(); };
 */
export class FakeChatModel implements ChatModel {
  readonly model: string;
  /** Every call, in order. */
  readonly calls: FakeChatCall[] = [];
  /** Called for each streamed token; replace it at any time. */
  onToken: TokenCallback | undefined;
  readonly #replies: FakeReply[];
  readonly #defaultReply: FakeReply;
  readonly #failures: ScriptedFailure[] = [];

  constructor(options: FakeChatModelOptions = {}) {
    this.model = options.model ?? 'fake-chat-model';
    this.#replies = [...(options.replies ?? [])];
    this.#defaultReply = options.defaultReply ?? echo;
    this.onToken = options.onToken;
  }

  /** Queues replies for the next calls (one per call, in order). */
  reply(...replies: FakeReply[]): this {
    this.#replies.push(...replies);
    return this;
  }

  /**
   * Makes the next `times` calls (default 1) fail with `error`: a buffered call at once, a
   * stream after handing over `afterTokens` tokens (default 0, before the first one).
   */
  failWith(error: Error, options: { afterTokens?: number; times?: number } = {}): this {
    for (let count = 0; count < (options.times ?? 1); count += 1) {
      this.#failures.push({ error, afterTokens: options.afterTokens ?? 0 });
    }
    return this;
  }

  /** The prompts of every call, in order. */
  get prompts(): ChatMessage[][] {
    return this.calls.map((call) => call.messages);
  }

  async complete(messages: ChatMessage[], options: CompletionOptions = {}): Promise<Completion> {
    const call = this.#record('complete', messages, options);
    const failure = this.#failures.shift();
    const content = this.#nextReply(messages);
    if (options.signal?.aborted) {
      call.aborted = true;
      options.signal.throwIfAborted();
    }
    if (failure) throw failure.error;
    const all = fakeTokens(content);
    call.tokens = all.slice(0, options.maxTokens);
    return {
      content: call.tokens.join(''),
      model: this.model,
      usage: this.#usage(messages, call.tokens.length),
      finishReason: call.tokens.length < all.length ? 'length' : 'stop',
    };
  }

  async *stream(
    messages: ChatMessage[],
    options: CompletionOptions = {},
  ): AsyncGenerator<CompletionEvent, void, undefined> {
    const call = this.#record('stream', messages, options);
    const failure = this.#failures.shift();
    // Like a real model, a reply stops at `maxTokens`, and says so.
    const all = fakeTokens(this.#nextReply(messages));
    const tokens = all.slice(0, options.maxTokens);
    const { signal } = options;
    try {
      for (const [index, token] of tokens.entries()) {
        signal?.throwIfAborted();
        if (failure && index >= failure.afterTokens) throw failure.error;
        await this.onToken?.(token, index);
        signal?.throwIfAborted();
        call.tokens.push(token);
        yield { type: 'delta', text: token };
      }
      signal?.throwIfAborted();
      if (failure) throw failure.error;
    } catch (error) {
      if (signal?.aborted) call.aborted = true;
      throw error;
    }
    yield {
      type: 'done',
      model: this.model,
      usage: this.#usage(messages, tokens.length),
      finishReason: tokens.length < all.length ? 'length' : 'stop',
    };
  }

  #record(kind: FakeChatCall['kind'], messages: ChatMessage[], options: CompletionOptions) {
    const call: FakeChatCall = { kind, messages, options, tokens: [], aborted: false };
    this.calls.push(call);
    return call;
  }

  #nextReply(messages: ChatMessage[]): string {
    const reply = this.#replies.shift() ?? this.#defaultReply;
    return typeof reply === 'function' ? reply(messages) : reply;
  }

  #usage(messages: ChatMessage[], completionTokens: number): TokenUsage {
    const promptTokens = messages.reduce(
      (sum, message) => sum + Math.ceil(message.content.length / 4),
      0,
    );
    return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
  }
}

/**
 * An `onToken` callback that spaces streamed tokens `intervalMs` apart (none before the first)
 * and records when each one is emitted (`performance.now()`), for timing tests.
 *
 * @example
 * const pace = pacedTokens(50);
 * const model = new FakeChatModel({ onToken: pace.onToken });
 * // … pace.emittedAt[i] is when token i left the model
 */
export const pacedTokens = (
  intervalMs: number,
): { onToken: TokenCallback; emittedAt: number[] } => {
  const emittedAt: number[] = [];
  return {
    emittedAt,
    onToken: async (_token, index) => {
      if (index > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
      emittedAt.push(performance.now());
    },
  };
};
