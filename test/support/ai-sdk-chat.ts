import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';

/** What a client read of an answer stream before it stopped reading. */
export interface ReadChunks {
  chunks: UIMessageChunk[];
  /** True when the stream ran to its end (the client did not cut it). */
  complete: boolean;
}

/**
 * The AI SDK's own HTTP transport pointed at a streaming URL with a bearer key, the way
 * `useChat({ transport })` uses it.
 *
 * @example
 * const transport = chatTransport(stack.streamUrl, stack.apiKey);
 */
export const chatTransport = (api: string, apiKey: string) =>
  new DefaultChatTransport<UIMessage>({ api, headers: { authorization: `Bearer ${apiKey}` } });

/**
 * Reads a UI message chunk stream until it ends or `cut(chunks)` says to stop; then aborts the
 * request (the connection drops, as when a page reloads).
 */
export const readChunks = async (
  stream: ReadableStream<UIMessageChunk>,
  options: { cut?: (chunks: UIMessageChunk[]) => boolean; abort?: AbortController } = {},
): Promise<ReadChunks> => {
  const chunks: UIMessageChunk[] = [];
  const reader = stream.getReader();
  try {
    for (;;) {
      if (options.cut?.(chunks)) {
        options.abort?.abort();
        await reader.cancel().catch(() => undefined);
        return { chunks, complete: false };
      }
      const { done, value } = await reader.read();
      if (done) return { chunks, complete: true };
      chunks.push(value);
    }
  } catch (error) {
    if (options.abort?.signal.aborted) return { chunks, complete: false };
    throw error;
  }
};

/**
 * Sends one user message with `sendMessages` (the request `useChat` makes) and reads the
 * answer, cutting the connection when `cut` says so.
 */
export const sendAndRead = async (
  transport: DefaultChatTransport<UIMessage>,
  chatId: string,
  text: string,
  cut?: (chunks: UIMessageChunk[]) => boolean,
): Promise<ReadChunks> => {
  const abort = new AbortController();
  const stream = await transport.sendMessages({
    chatId,
    trigger: 'submit-message',
    messageId: undefined,
    abortSignal: abort.signal,
    messages: [{ id: `${chatId}-q`, role: 'user', parts: [{ type: 'text', text }] }],
  });
  return readChunks(stream, { abort, ...(cut ? { cut } : {}) });
};

/** Resumes a chat with `reconnectToStream`: undefined on 204, else every chunk to the end. */
export const resumeAndRead = async (
  transport: DefaultChatTransport<UIMessage>,
  chatId: string,
  cut?: (chunks: UIMessageChunk[]) => boolean,
): Promise<ReadChunks | undefined> => {
  const abort = new AbortController();
  const stream = await transport.reconnectToStream({ chatId, abortSignal: abort.signal });
  if (!stream) return undefined;
  return readChunks(stream, { abort, ...(cut ? { cut } : {}) });
};

/** The message the AI SDK's reader builds from chunks, as `useChat` would show it. */
export const toMessage = async (chunks: UIMessageChunk[]): Promise<UIMessage | undefined> => {
  let last: UIMessage | undefined;
  const stream = new ReadableStream<UIMessageChunk>({
    start: (controller) => {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  for await (const message of readUIMessageStream({ stream })) last = message;
  return last;
};

/** The text of a message, its text parts joined. */
export const textOf = (message: UIMessage | undefined): string =>
  (message?.parts ?? [])
    .filter((part) => part.type === 'text')
    .map((part) => part.text)
    .join('');

/** Counts the `text-delta` chunks read so far. */
export const deltasIn = (chunks: UIMessageChunk[]): number =>
  chunks.filter((chunk) => chunk.type === 'text-delta').length;
