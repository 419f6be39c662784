import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ChatMessage,
  ChatModel,
  Completion,
  CompletionEvent,
  CompletionOptions,
  TokenUsage,
} from '../../core/ports/chat-model.js';
import { estimateTokens } from './estimate-tokens.js';
import { type ExtractiveAnswerOptions, extractiveAnswer } from './extractive-answer.js';
import { readPromptContext } from './prompt-context.js';

/** Options of {@link ExtractiveChatModel}. */
export interface ExtractiveChatModelOptions extends ExtractiveAnswerOptions {
  /** Pause before each streamed word, in ms (default 0), to make streaming visible. */
  tokenDelayMs?: number;
}

const usageOf = (messages: readonly ChatMessage[], answer: string): TokenUsage => {
  const promptTokens = messages.reduce((sum, message) => sum + estimateTokens(message.content), 0);
  const completionTokens = estimateTokens(answer);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
};

/**
 * An offline {@link ChatModel} for the local stack without an API key: it answers by quoting
 * the best-matching sentences of the sources the prompt builder put in the last user message
 * (see {@link readPromptContext}), each with its `[N]` citation, and says honestly when there
 * is no source. Its `model` is `offline`, so every answer is labelled as such. Streaming
 * yields the answer word by word (whitespace kept), then a `done` with estimated usage.
 * `maxTokens` is not applied: the answer is a few sentences by construction.
 *
 * @example
 * const model = new ExtractiveChatModel({ tokenDelayMs: 15 });
 * for await (const event of model.stream(messages)) {
 *   if (event.type === 'delta') process.stdout.write(event.text);
 * }
 */
export class ExtractiveChatModel implements ChatModel {
  readonly model = 'offline';
  readonly #options: ExtractiveChatModelOptions;

  constructor(options: ExtractiveChatModelOptions = {}) {
    this.#options = options;
  }

  async complete(messages: ChatMessage[], options: CompletionOptions = {}): Promise<Completion> {
    options.signal?.throwIfAborted();
    const content = this.#answer(messages);
    return { content, model: this.model, usage: usageOf(messages, content) };
  }

  async *stream(
    messages: ChatMessage[],
    options: CompletionOptions = {},
  ): AsyncGenerator<CompletionEvent, void, undefined> {
    const { signal } = options;
    signal?.throwIfAborted();
    const answer = this.#answer(messages);
    const delay = this.#options.tokenDelayMs ?? 0;
    for (const word of answer.match(/\s*\S+/g) ?? []) {
      if (delay > 0) await sleep(delay, undefined, signal ? { signal } : {});
      signal?.throwIfAborted();
      yield { type: 'delta', text: word };
    }
    yield { type: 'done', model: this.model, usage: usageOf(messages, answer) };
  }

  #answer(messages: readonly ChatMessage[]): string {
    return extractiveAnswer(readPromptContext(messages), this.#options);
  }
}
