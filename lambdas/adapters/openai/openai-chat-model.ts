import type OpenAI from 'openai';
import { estimateUsage } from '../../core/chat/estimate-usage.js';
import { DependencyError } from '../../core/dependency-error.js';
import type {
  ChatMessage,
  ChatModel,
  Completion,
  CompletionEvent,
  CompletionOptions,
  FinishReason,
  TokenUsage,
} from '../../core/ports/chat-model.js';
import { toOpenAiFailure } from './openai-errors.js';

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

/** Options of {@link OpenAiChatModel}. */
export interface OpenAiChatModelOptions {
  /** Chat model, e.g. `gpt-4o-mini`. */
  model: string;
  /** Default cap on the reply's tokens; a call's `maxTokens` overrides it. */
  maxTokens?: number;
  /** Sampling temperature; omitted from requests when unset (reasoning models reject it). */
  temperature?: number;
  /**
   * The request field that carries the cap: OpenAI's current `max_completion_tokens` (default),
   * or the older `max_tokens` that most OpenAI-compatible servers (Ollama, vLLM) understand.
   */
  maxTokensField?: 'max_completion_tokens' | 'max_tokens';
  /**
   * Longest silence allowed between two chunks of a streamed reply, in ms (default 30 000).
   * The SDK's `timeout` stops at the response headers; this guards the body.
   */
  streamIdleTimeoutMs?: number;
}

const toUsage = (usage: OpenAI.Completions.CompletionUsage): TokenUsage => ({
  promptTokens: usage.prompt_tokens,
  completionTokens: usage.completion_tokens,
  totalTokens: usage.total_tokens,
});

/** OpenAI's `finish_reason` as the port names it; tool calls (never asked for) count as `stop`. */
const toFinishReason = (reason: string | null | undefined): FinishReason =>
  reason === 'length' ? 'length' : reason === 'content_filter' ? 'content-filter' : 'stop';

/**
 * {@link ChatModel} on the `openai` SDK (`POST /chat/completions`), buffered or streamed.
 *
 * The caller's `signal` goes to the SDK, so aborting it closes the upstream HTTP request at
 * once (also mid-stream), and the abort propagates unchanged. Failures that survive the SDK's
 * retries become {@link DependencyError}s naming `openai`. A streamed reply asks for usage
 * (`stream_options.include_usage`); servers that do not send it get an estimate.
 *
 * @example
 * const model = new OpenAiChatModel(client, { model: 'gpt-4o-mini', maxTokens: 800 });
 * for await (const event of model.stream(messages, { signal })) {
 *   if (event.type === 'delta') process.stdout.write(event.text);
 * }
 */
export class OpenAiChatModel implements ChatModel {
  readonly model: string;
  readonly #client: OpenAI;
  readonly #options: OpenAiChatModelOptions;

  constructor(client: OpenAI, options: OpenAiChatModelOptions) {
    this.#client = client;
    this.model = options.model;
    this.#options = options;
  }

  async complete(messages: ChatMessage[], options: CompletionOptions = {}): Promise<Completion> {
    let response: OpenAI.Chat.Completions.ChatCompletion;
    try {
      response = await this.#client.chat.completions.create(this.#params(messages, options), {
        signal: options.signal ?? null,
      });
    } catch (error) {
      throw toOpenAiFailure(error, 'chat completion', options.signal);
    }
    const message = response.choices[0]?.message;
    if (message === undefined) {
      throw new DependencyError('openai', 'bad-gateway', 'chat completion: reply had no choice');
    }
    const content = message.content ?? message.refusal ?? '';
    return {
      content,
      model: response.model,
      usage: response.usage ? toUsage(response.usage) : estimateUsage(messages, content),
      finishReason: toFinishReason(response.choices[0]?.finish_reason),
    };
  }

  async *stream(
    messages: ChatMessage[],
    options: CompletionOptions = {},
  ): AsyncGenerator<CompletionEvent, void, undefined> {
    const caller = options.signal;
    const upstream = new AbortController();
    const forward = () => upstream.abort(caller?.reason);
    caller?.addEventListener('abort', forward, { once: true });
    if (caller?.aborted) forward();
    const idleMs = this.#options.streamIdleTimeoutMs ?? 30_000;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let idleExpired = false;
    const rearm = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        idleExpired = true;
        upstream.abort(new Error(`no chunk for ${idleMs} ms`));
      }, idleMs);
    };
    const fail = (error: unknown): unknown =>
      idleExpired && !caller?.aborted
        ? new DependencyError('openai', 'timeout', `chat stream idle for ${idleMs} ms`, error)
        : toOpenAiFailure(error, 'chat stream', caller);

    try {
      let chunks: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>;
      try {
        chunks = await this.#client.chat.completions.create(
          {
            ...this.#params(messages, options),
            stream: true,
            stream_options: { include_usage: true },
          },
          { signal: upstream.signal },
        );
      } catch (error) {
        throw fail(error);
      }
      let model = this.model;
      let text = '';
      let usage: TokenUsage | undefined;
      let finished: FinishReason | undefined;
      // The idle timer runs only while waiting for the next chunk: the time the consumer takes
      // with a delta (a slow client, a write) is not the provider's silence.
      rearm();
      try {
        for await (const chunk of chunks) {
          clearTimeout(idleTimer);
          model = chunk.model || model;
          if (chunk.usage) usage = toUsage(chunk.usage);
          const choice = chunk.choices[0];
          if (choice?.finish_reason) finished = toFinishReason(choice.finish_reason);
          const delta = choice?.delta.content ?? choice?.delta.refusal;
          if (delta) {
            text += delta;
            yield { type: 'delta', text: delta };
          }
          rearm();
        }
      } catch (error) {
        throw fail(error);
      }
      // The SDK ends the iteration quietly when its request is aborted: say why it ended.
      caller?.throwIfAborted();
      if (idleExpired) throw fail(upstream.signal.reason);
      if (!finished) {
        throw new DependencyError('openai', 'bad-gateway', 'chat stream ended before it finished');
      }
      yield {
        type: 'done',
        model,
        usage: usage ?? estimateUsage(messages, text),
        finishReason: finished,
      };
    } finally {
      clearTimeout(idleTimer);
      caller?.removeEventListener('abort', forward);
      // A consumer that stops early (break, return) closes the upstream request too.
      upstream.abort();
    }
  }

  #params(messages: ChatMessage[], options: CompletionOptions): ChatParams {
    const maxTokens = options.maxTokens ?? this.#options.maxTokens;
    const field = this.#options.maxTokensField ?? 'max_completion_tokens';
    return {
      model: this.model,
      messages: messages.map((message) => ({ role: message.role, content: message.content })),
      ...(maxTokens === undefined ? {} : { [field]: maxTokens }),
      ...(this.#options.temperature === undefined
        ? {}
        : { temperature: this.#options.temperature }),
    };
  }
}
