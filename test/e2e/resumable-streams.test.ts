import type { UIMessage, UIMessageChunk } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../dev/local-stack.js';
import {
  chatTransport,
  deltasIn,
  resumeAndRead,
  sendAndRead,
  textOf,
  toMessage,
} from '../support/ai-sdk-chat.js';
import { client } from '../support/local-stack-client.js';
import type { OpenAiStandIn } from '../support/openai-stand-in.js';
import {
  type StackOnOpenAiStandIn,
  startStackOnOpenAiStandIn,
} from '../support/stack-on-openai-stand-in.js';

const WORDS = 24;
const REPLY = Array.from({ length: WORDS }, (_, index) => `word${index}`).join(' ');
const QUESTION = 'How do I declare path parameters?';
/** Long enough (about 2 s) that a stop always lands while it streams. */
const LONG_QUESTION = 'Explain path parameters at length';
const LONG_REPLY = Array.from({ length: 150 }, (_, index) => `step${index}`).join(' ');

const sourcesOf = (message: UIMessage | undefined) =>
  (message?.parts ?? []).filter((part) => part.type === 'source-document');

const startOf = (chunks: UIMessageChunk[]) =>
  chunks.find((chunk) => chunk.type === 'start') as { messageId: string } | undefined;

describe('resumable streams over real HTTP, read with the AI SDK client', () => {
  let openai: OpenAiStandIn;
  let started: StackOnOpenAiStandIn;
  let stack: LocalStack;
  let transport: ReturnType<typeof chatTransport>;
  let uninterrupted: UIMessage | undefined;
  let chats = 0;
  const newChat = () => `resume-chat-${++chats}`;
  const modelCalls = () => openai.callCount('chat.completions');
  const storedMessages = async (chatId: string) => {
    const reply = await client(stack, stack.apiKey).json('GET', `/v1/sessions/${chatId}`);
    return (reply.body as { items?: { role: string; content: string; incomplete?: boolean }[] })
      .items;
  };
  const stop = (chatId: string, apiKey = stack.apiKey) =>
    fetch(`${stack.streamUrl}/${chatId}/stop`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` },
    });

  beforeAll(async () => {
    started = await startStackOnOpenAiStandIn(
      'resumable-',
      {
        tokenIntervalMs: 15,
        reply: ({ messages }) =>
          String(messages.at(-1)?.content ?? '').includes(LONG_QUESTION) ? LONG_REPLY : REPLY,
      },
      { RETRIEVAL_MIN_SCORE: '-1' },
    );
    ({ stack, openai } = started);
    const api = client(stack, stack.apiKey);
    const upload = await api.json('POST', '/v1/documents', {
      title: 'Path parameters',
      text: '# Path Parameters\n\nDeclare path parameters with braces: /items/{item_id}.',
    });
    await api.waitForDocument((upload.body as { id: string }).id);
    transport = chatTransport(stack.streamUrl, stack.apiKey);
    uninterrupted = await toMessage((await sendAndRead(transport, newChat(), QUESTION)).chunks);
  });
  afterAll(() => started?.close());

  it('answers uninterrupted with the reply and a source (the reference for every resume)', () => {
    expect(textOf(uninterrupted)).toBe(REPLY);
    expect(sourcesOf(uninterrupted)).toHaveLength(1);
  });

  it.each([
    ['before the first token', 0],
    ['after 1 token', 1],
    ['after 9 tokens', 9],
    ['one token before the end', WORDS - 1],
  ])('resumes a stream cut %s into the whole answer, with no second model call', async (_, n) => {
    const chatId = newChat();
    const callsBefore = modelCalls();

    const before = await sendAndRead(
      transport,
      chatId,
      QUESTION,
      (chunks) => deltasIn(chunks) >= n && chunks.some((chunk) => chunk.type === 'text-start'),
    );
    const resumed = await resumeAndRead(transport, chatId);

    expect(before.complete).toBe(false);
    expect(resumed?.complete).toBe(true);
    expect(resumed?.chunks.slice(0, before.chunks.length)).toEqual(before.chunks);
    const message = await toMessage(resumed?.chunks ?? []);
    expect(message?.id).toBe(startOf(before.chunks)?.messageId);
    expect(textOf(message)).toBe(REPLY);
    expect(sourcesOf(message)).toEqual(sourcesOf(uninterrupted));
    expect(modelCalls() - callsBefore).toBe(1);
    const stored = await storedMessages(chatId);
    expect(stored?.map((message) => message.content)).toEqual([REPLY, QUESTION]);
    expect(stored?.[0]?.incomplete).toBeUndefined();
  });

  it('leaves the client with the whole answer when the cut comes right after finish', async () => {
    const chatId = newChat();
    const before = await sendAndRead(transport, chatId, QUESTION, (chunks) =>
      chunks.some((chunk) => chunk.type === 'finish'),
    );

    const resumed = await resumeAndRead(transport, chatId);

    // 200 (a replay) while the writer is still clearing its marker, 204 once it has: either way
    // the client ends with the whole answer.
    const message = await toMessage(resumed?.chunks ?? before.chunks);
    expect(message?.id).toBe(startOf(before.chunks)?.messageId);
    expect(textOf(message)).toBe(REPLY);
    expect(sourcesOf(message)).toEqual(sourcesOf(uninterrupted));
  });

  it('answers 204 to a resume after the stream finished (nothing is active)', async () => {
    const chatId = newChat();
    const whole = await sendAndRead(transport, chatId, QUESTION);

    const resumed = await resumeAndRead(transport, chatId);

    expect(whole.complete).toBe(true);
    expect(resumed).toBeUndefined();
  });

  it('lets two followers read the same answer at once, both whole', async () => {
    const chatId = newChat();
    await sendAndRead(transport, chatId, QUESTION, (chunks) => deltasIn(chunks) >= 2);

    const [first, second] = await Promise.all([
      resumeAndRead(transport, chatId),
      resumeAndRead(transport, chatId),
    ]);

    expect(first?.chunks).toEqual(second?.chunks);
    expect(textOf(await toMessage(first?.chunks ?? []))).toBe(REPLY);
  });

  it("answers 404 to another tenant's resume of a chat id, and its stop leaves the answer alone", async () => {
    const chatId = newChat();
    const otherKey = await stack.issueApiKey('tenant-other');
    const cut = sendAndRead(transport, chatId, QUESTION, (chunks) => deltasIn(chunks) >= 2);
    await cut;

    const resume = await fetch(`${stack.streamUrl}/${chatId}/stream`, {
      headers: { authorization: `Bearer ${otherKey}` },
    });
    const stopped = await stop(chatId, otherKey);

    expect(resume.status).toBe(404);
    expect(resume.headers.get('content-type')).toBe('application/problem+json');
    expect(stopped.status).toBe(202);
    expect(textOf(await toMessage((await resumeAndRead(transport, chatId))?.chunks ?? []))).toBe(
      REPLY,
    );
  });

  it('answers 401 to a resume without a key', async () => {
    const response = await fetch(`${stack.streamUrl}/${newChat()}/stream`);

    expect(response.status).toBe(401);
  });

  it('stops an answer from the stop route while it streams: model aborted, partial stored incomplete', async () => {
    const chatId = newChat();
    let stopping: Promise<Response> | undefined;

    const read = await sendAndRead(transport, chatId, LONG_QUESTION, (chunks) => {
      if (deltasIn(chunks) >= 3) stopping ??= stop(chatId);
      return false;
    });
    const upstream = openai.requests.filter((request) => request.stream).at(-1)!;
    await upstream.settled;

    expect((await stopping)?.status).toBe(202);
    expect(read.complete).toBe(true);
    expect(read.chunks.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'interrupted',
      messageMetadata: { incomplete: true },
    });
    expect(upstream.clientAborted).toBe(true);
    const text = textOf(await toMessage(read.chunks));
    expect(text.length).toBeLessThan(LONG_REPLY.length);
    expect(await storedMessages(chatId)).toEqual([
      expect.objectContaining({ role: 'assistant', content: text, incomplete: true }),
      expect.objectContaining({ role: 'user', content: LONG_QUESTION }),
    ]);
    expect(await resumeAndRead(transport, chatId)).toBeUndefined();
  });

  it('stops an answer while a resumed client follows it; the follower sees the same end', async () => {
    const chatId = newChat();
    await sendAndRead(transport, chatId, LONG_QUESTION, (chunks) => deltasIn(chunks) >= 2);
    let stopping: Promise<Response> | undefined;

    const resumed = await resumeAndRead(transport, chatId, (chunks) => {
      if (deltasIn(chunks) >= 30) stopping ??= stop(chatId);
      return false;
    });

    expect((await stopping)?.status).toBe(202);
    expect(resumed?.chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'interrupted' });
    const text = textOf(await toMessage(resumed?.chunks ?? []));
    expect(LONG_REPLY.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(LONG_REPLY.length);
    expect(await storedMessages(chatId)).toEqual([
      expect.objectContaining({ role: 'assistant', content: text, incomplete: true }),
      expect.objectContaining({ role: 'user', content: LONG_QUESTION }),
    ]);
  });

  it('accepts a stop when nothing is streaming, and answers the next question whole', async () => {
    const chatId = newChat();
    await sendAndRead(transport, chatId, QUESTION);

    const stopped = await stop(chatId);
    const next = await sendAndRead(transport, chatId, QUESTION);

    expect(stopped.status).toBe(202);
    expect(textOf(await toMessage(next?.chunks ?? []))).toBe(REPLY);
  });
});
