import type {
  ChatMessage,
  ChatModel,
  Completion,
  CompletionEvent,
  CompletionOptions,
} from '../../../lambdas/core/ports/chat-model.js';

/** Options of {@link ScriptedChatModel}. */
export interface ScriptedChatModelOptions {
  /** The tokens of every answer. */
  tokens?: string[];
  /** Gap between streamed tokens. */
  tokenIntervalMs?: number;
  /** Fail with this error after emitting this many tokens. */
  failAfterTokens?: { count: number; error: Error };
  /** Fail every call before any token. */
  failure?: Error;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (ms <= 0) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

/**
 * A {@link ChatModel} that answers with scripted tokens, honours the abort signal like the
 * OpenAI SDK (the stream throws the signal's reason), records every prompt, and can fail
 * before or part-way through an answer.
 */
export class ScriptedChatModel implements ChatModel {
  readonly model = 'scripted-model';
  readonly prompts: ChatMessage[][] = [];
  /** Times at which each streamed token was emitted (performance.now()). */
  readonly emittedAt: number[] = [];
  aborted = false;

  constructor(private readonly options: ScriptedChatModelOptions = {}) {}

  get tokens(): string[] {
    return this.options.tokens ?? ['The ', 'answer ', 'is ', '42 ', '[1].'];
  }

  async complete(messages: ChatMessage[], options: CompletionOptions = {}): Promise<Completion> {
    this.prompts.push(messages);
    options.signal?.throwIfAborted();
    if (this.options.failure) throw this.options.failure;
    const content = this.tokens.join('');
    return {
      content,
      model: this.model,
      usage: {
        promptTokens: 10,
        completionTokens: this.tokens.length,
        totalTokens: 10 + this.tokens.length,
      },
    };
  }

  async *stream(
    messages: ChatMessage[],
    options: CompletionOptions = {},
  ): AsyncIterable<CompletionEvent> {
    this.prompts.push(messages);
    if (this.options.failure) throw this.options.failure;
    try {
      for (const [index, token] of this.tokens.entries()) {
        if (this.options.failAfterTokens && index === this.options.failAfterTokens.count) {
          throw this.options.failAfterTokens.error;
        }
        if (index > 0) await sleep(this.options.tokenIntervalMs ?? 0, options.signal);
        options.signal?.throwIfAborted();
        this.emittedAt.push(performance.now());
        yield { type: 'delta', text: token };
      }
    } catch (error) {
      if (options.signal?.aborted) this.aborted = true;
      throw error;
    }
    yield {
      type: 'done',
      model: this.model,
      usage: {
        promptTokens: 10,
        completionTokens: this.tokens.length,
        totalTokens: 10 + this.tokens.length,
      },
    };
  }
}
