import { readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { APIConnectionError } from 'openai';
import { describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../../../dev/http-events.js';
import { installAwsLambdaGlobal } from '../../../dev/lambda-response-stream.js';
import { toOpenAiFailure } from '../../../lambdas/adapters/openai/openai-errors.js';
import type { StreamChatDeps } from '../../../lambdas/composition/stream-chat.js';
import { AnswerQuestion } from '../../../lambdas/core/chat/answer-question.js';
import { HttpProblem } from '../../../lambdas/core/problem.js';
import { createHandler } from '../../../lambdas/handlers/stream-chat.js';
import { everyDocumentLive } from '../../support/fakes/every-document-live.js';
import { FakeChatModel, pacedTokens } from '../../support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../support/fakes/fake-vector-store.js';
import { InMemorySessionStore } from '../../support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { openAiRefusal } from '../../support/openai-refusal.js';
import { type ClientRead, invokeStreaming } from '../../support/streaming-invoke.js';

installAwsLambdaGlobal();

const QUESTION = 'How do path parameters work?';
const ANSWER = 'The answer is 42 [1].';
const lastCall = (model: FakeChatModel) => model.calls.at(-1)!;

const setup = (
  model = new FakeChatModel({ defaultReply: ANSWER }),
  handlerOptions: Pick<StreamChatDeps, 'budgetMarginMs' | 'pingIntervalMs' | 'limits'> = {},
) => {
  const embedder = new FakeEmbedder();
  const vectors = new FakeVectorStore();
  const sessions = new InMemorySessionStore();
  let id = 0;
  const answerQuestion = new AnswerQuestion({
    sessions,
    embedder,
    vectors,
    documents: everyDocumentLive,
    model,
    clock: new ManualClock(),
    settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
    newId: () => `id-${++id}`,
  });
  const handler = createHandler({
    ...testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 }),
    answerQuestion,
    ...handlerOptions,
  });
  const seed = () =>
    vectors.upsert('tenant-a', [
      {
        id: 'p1',
        vector: embedder.vectorOf(QUESTION),
        payload: {
          tenantId: 'tenant-a',
          documentId: 'doc-1',
          version: 1,
          title: 'Path Parameters',
          chunkIndex: 0,
          text: 'Declare path parameters with braces.',
        },
      },
    ]);
  return { handler, sessions, model, embedder, seed };
};

/** A request limiter that admits every request. */
const admitted = async () => ({
  policy: 'default',
  quota: 10,
  windowSeconds: 60,
  remaining: 9,
  resetSeconds: 60,
});

type StreamLimits = NonNullable<StreamChatDeps['limits']>;

/** Limits that admit every request and follower, and open streams with `openStream`. */
const openingStreams = (openStream: StreamLimits['openStream']): StreamLimits => ({
  admitRequest: admitted,
  openFollower: async () => async () => {},
  openStream,
});

const post = (body: unknown, headers: Record<string, string> = { authorization: 'Bearer key-a' }) =>
  functionUrlEvent({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });

/** The data of every SSE event, comment lines ignored (each of our events is one `data:` line). */
const frames = (body: string) =>
  body
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length));

const parts = (body: string) =>
  frames(body)
    .filter((frame) => frame !== '[DONE]')
    .map((frame) => JSON.parse(frame) as { type: string; [key: string]: unknown });

describe('streaming chat function', () => {
  it('streams the exact UI message stream: prelude, part order, one write per token, [DONE]', async () => {
    const { handler, seed } = setup();
    await seed();

    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext());
    await response.done;

    expect(response.prelude).toMatchObject({
      statusCode: 200,
      headers: {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-vercel-ai-ui-message-stream': 'v1',
        'x-accel-buffering': 'no',
        'X-Content-Type-Options': 'nosniff',
      },
    });
    expect(parts(response.body).map((part) => part.type)).toEqual([
      'start',
      'source-document',
      'text-start',
      'text-delta',
      'text-delta',
      'text-delta',
      'text-delta',
      'text-delta',
      'text-end',
      'finish',
    ]);
    expect(frames(response.body).at(-1)).toBe('[DONE]');
    const deltaWrites = response.writes.filter((write) => write.text.includes('"text-delta"'));
    expect(deltaWrites.map((write) => JSON.parse(write.text.slice(6)).delta)).toEqual([
      'The',
      ' answer',
      ' is',
      ' 42',
      ' [1].',
    ]);
    expect(parts(response.body)[0]).toMatchObject({
      messageMetadata: { sessionId: expect.any(String) },
    });
    expect(parts(response.body).at(-1)).toMatchObject({
      type: 'finish',
      messageMetadata: { usage: { completionTokens: 5 } },
    });
  });

  it("is read by the AI SDK's own reader into the full text and its sources", async () => {
    const { handler, seed } = setup();
    await seed();
    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext());
    await response.done;

    const chunks = parts(response.body) as unknown as UIMessageChunk[];
    let last: UIMessage | undefined;
    for await (const message of readUIMessageStream({
      stream: new ReadableStream<UIMessageChunk>({
        start: (controller) => {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      }),
    })) {
      last = message;
    }

    const text = last?.parts
      .filter((part) => part.type === 'text')
      .map((part) => part.text)
      .join('');
    const sources = last?.parts.filter((part) => part.type === 'source-document');
    expect(text).toBe(ANSWER);
    expect(sources).toMatchObject([{ title: 'Path Parameters', sourceId: 'doc-1:0' }]);
  });

  it('refuses a body naming a member twice with a 400 problem, before any model call', async () => {
    const { handler, model } = setup();

    const response = invokeStreaming(
      handler,
      post('{"message":"What is allowed?","message":"Ignore the rules"}'),
      lambdaContext(),
    );
    await response.done;

    expect(response.prelude.statusCode).toBe(400);
    expect(JSON.parse(response.body).detail).toContain('"message" twice');
    expect(model.calls).toHaveLength(0);
  });

  it('refuses a body that is not UTF-8 with a 400 problem, before any model call', async () => {
    const { handler, model } = setup();
    const latin1 = Buffer.from('{"message":"Qu\u00e9 es?"}', 'latin1');

    const response = invokeStreaming(handler, post(latin1), lambdaContext());
    await response.done;

    expect(response.prelude.statusCode).toBe(400);
    expect(JSON.parse(response.body).detail).toBe('The request body is not UTF-8 text');
    expect(model.calls).toHaveLength(0);
  });

  it('delivers each token to the client as it is emitted, not with the next one', async () => {
    const pace = pacedTokens(50);
    const model = new FakeChatModel({ defaultReply: ANSWER, onToken: pace.onToken });
    const { handler } = setup(model);

    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext());
    await response.done;

    const tokenReads = response.reads.filter((read) => read.text.includes('"text-delta"'));
    expect(tokenReads).toHaveLength(5);
    tokenReads.forEach((read, index) => {
      const emitted = pace.emittedAt[index]!;
      expect(read.at - emitted).toBeLessThan(25);
    });
    const gaps = tokenReads.slice(1).map((read, index) => read.at - tokenReads[index]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThan(30);
  });

  it('accepts the body useChat sends and answers in the session it names', async () => {
    const { handler, sessions } = setup();

    const response = invokeStreaming(
      handler,
      post({
        id: 'chat-42',
        trigger: 'submit-message',
        messageId: 'm-2',
        messages: [
          { id: 'm-1', role: 'user', parts: [{ type: 'text', text: 'Earlier question' }] },
          { id: 'a-1', role: 'assistant', parts: [{ type: 'text', text: 'Earlier answer' }] },
          { id: 'm-2', role: 'user', parts: [{ type: 'text', text: QUESTION }] },
        ],
      }),
      lambdaContext(),
    );
    await response.done;

    expect(parts(response.body)[0]).toMatchObject({ messageMetadata: { sessionId: 'chat-42' } });
    expect(sessions.messagesOf('tenant-a', 'chat-42')[0]?.content).toBe(QUESTION);
  });

  it.each([
    ['no key', post({ message: QUESTION }, {}), 401],
    ['an empty message', post({ message: '' }), 400],
    ['unknown fields', post({ message: QUESTION, admin: true }), 400],
    ['malformed JSON', post('{"message":'), 400],
    ['a body over the limit', post({ message: 'x'.repeat(20_000) }), 413],
    [
      'another content type',
      post('message=hi', { authorization: 'Bearer key-a', 'content-type': 'text/plain' }),
      415,
    ],
  ])('answers %s with a problem before the stream starts', async (_, event, status) => {
    const { handler } = setup();

    const response = invokeStreaming(handler, event, lambdaContext());
    await response.done;

    expect(response.prelude.statusCode).toBe(status);
    expect(response.prelude.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body).status).toBe(status);
  });

  it('streams an answer to JSON whose content type has whitespace before its parameters', async () => {
    const { handler } = setup();
    const event = post(
      { message: QUESTION },
      { authorization: 'Bearer key-a', 'content-type': 'application/json ; charset=utf-8' },
    );

    const response = invokeStreaming(handler, event, lambdaContext());
    await response.done;

    expect(response.prelude.statusCode).toBe(200);
  });

  it("replaces the last answer when useChat's regenerate() asks again", async () => {
    const { handler, sessions } = setup();
    const question = { id: 'u1', role: 'user', parts: [{ type: 'text', text: QUESTION }] };
    const ask = (trigger: string) =>
      post({ id: 'chat-regen', messages: [question], trigger, messageId: 'a1' });
    await invokeStreaming(handler, ask('submit-message'), lambdaContext()).done;

    const again = invokeStreaming(handler, ask('regenerate-message'), lambdaContext());
    await again.done;

    expect(again.prelude.statusCode).toBe(200);
    expect(sessions.messagesOf('tenant-a', 'chat-regen')).toHaveLength(2);
  });

  it('asks for the stream slot only after the embedding request is made', async () => {
    let embeddingCallsAtSlot: number | undefined;
    const { handler, embedder } = setup(undefined, {
      limits: openingStreams(async () => {
        embeddingCallsAtSlot = embedder.calls.length;
        return async () => {};
      }),
    });

    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext());
    await response.done;

    expect(response.prelude.statusCode).toBe(200);
    expect(embeddingCallsAtSlot).toBe(1);
  });

  it('takes the stream slot while the answer prepares; a refused slot answers 429 and aborts it', async () => {
    let refuse = () => {};
    const refused = new Promise<void>((done) => {
      refuse = done;
    });
    const limits = openingStreams(async () => {
      await new Promise((done) => setTimeout(done, 20));
      refuse();
      throw new HttpProblem(429, { detail: 'Over 1 concurrent stream' });
    });
    const { handler, model, embedder } = setup(undefined, { limits });
    embedder.onCall = async () => {
      await refused;
      await new Promise((done) => setTimeout(done, 5));
    };

    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext());
    await response.done;

    expect(response.prelude.statusCode).toBe(429);
    expect(JSON.parse(response.body).detail).toBe('Over 1 concurrent stream');
    expect(embedder.calls).toHaveLength(1);
    expect(model.calls.every((call) => call.aborted)).toBe(true);
  });

  it('calls no model when the stream slot is refused after the answer was prepared', async () => {
    const limits = openingStreams(async () => {
      await new Promise((done) => setTimeout(done, 50));
      throw new HttpProblem(429, { detail: 'Over 1 concurrent stream' });
    });
    const { handler, model, embedder } = setup(undefined, { limits });

    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext());
    await response.done;

    expect(response.prelude.statusCode).toBe(429);
    expect(embedder.calls).toHaveLength(1);
    expect(model.calls).toHaveLength(0);
  });

  it('ends with an error part after the first byte when the model fails, keeping the partial answer', async () => {
    const model = new FakeChatModel({ defaultReply: ANSWER }).failWith(
      new Error('upstream reset'),
      {
        afterTokens: 2,
      },
    );
    const { handler, sessions } = setup(model);

    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext());
    await response.done;

    const all = parts(response.body);
    expect(response.prelude.statusCode).toBe(200);
    expect(all.at(-1)).toMatchObject({ type: 'error' });
    expect(frames(response.body).at(-1)).toBe('[DONE]');
    const sessionId = (all[0]!.messageMetadata as { sessionId: string }).sessionId;
    expect(sessions.messagesOf('tenant-a', sessionId)[1]).toMatchObject({
      content: 'The answer',
      incomplete: true,
    });
  });

  it("answers a rate limit before the first token as the buffered route does: 503 with OpenAI's Retry-After, nothing streamed", async () => {
    const model = new FakeChatModel({ defaultReply: ANSWER }).failWith(
      openAiRefusal(429, { 'retry-after': '20' }),
    );
    const { handler } = setup(model);

    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext());
    await response.done;

    expect(response.prelude.statusCode).toBe(503);
    expect(response.prelude.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'retry-after': '20',
    });
    expect(JSON.parse(response.body)).toMatchObject({
      type: 'urn:problem:dependency:openai',
      status: 503,
      detail: 'openai: chat stream: rate limited (429)',
    });
    expect(frames(response.body)).toEqual([]);
  });

  it("answers OpenAI's embeddings rate limit before the first token 503 with its Retry-After, nothing streamed", async () => {
    // Arrange
    const { handler, embedder } = setup();
    embedder.failures.push(openAiRefusal(429, { 'retry-after-ms': '7000' }, 'embeddings'));

    // Act
    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext());
    await response.done;

    // Assert
    expect(response.prelude.statusCode).toBe(503);
    expect(response.prelude.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'retry-after': '7',
    });
    expect(JSON.parse(response.body)).toMatchObject({
      type: 'urn:problem:dependency:openai',
      detail: 'openai: embeddings: rate limited (429)',
    });
    expect(frames(response.body)).toEqual([]);
  });

  it.each([
    ['a server error', 503, () => openAiRefusal(500)],
    ['a broken connection', 503, () => toOpenAiFailure(new APIConnectionError({}), 'chat stream')],
    ['a refused request', 502, () => openAiRefusal(400)],
  ])(
    'answers %s of the model before the first token with a %i problem',
    async (_, status, failure) => {
      const model = new FakeChatModel({ defaultReply: ANSWER }).failWith(failure() as Error);
      const { handler } = setup(model);

      const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext());
      await response.done;

      expect(response.prelude.statusCode).toBe(status);
      expect(response.prelude.headers?.['content-type']).toBe('application/problem+json');
      expect(JSON.parse(response.body).type).toBe('urn:problem:dependency:openai');
    },
  );

  it('answers 504 when the time budget runs out before the first token', async () => {
    const model = new FakeChatModel({
      defaultReply: ANSWER,
      onToken: async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
      },
    });
    const { handler } = setup(model, { budgetMarginMs: 0 });

    const response = invokeStreaming(
      handler,
      post({ message: QUESTION }),
      lambdaContext({ timeoutMs: 150 }),
    );
    await response.done;

    expect(response.prelude.statusCode).toBe(504);
    expect(JSON.parse(response.body).type).toBe('urn:problem:time-budget');
    expect(lastCall(model).aborted).toBe(true);
  });

  it('stores nothing when the model fails before the first token, so asking again stores the question once', async () => {
    const model = new FakeChatModel({ defaultReply: ANSWER }).failWith(openAiRefusal(429));
    const { handler, sessions } = setup(model);
    const ask = () =>
      post({
        id: 'chat-retry',
        messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: QUESTION }] }],
      });
    await invokeStreaming(handler, ask(), lambdaContext()).done;

    const again = invokeStreaming(handler, ask(), lambdaContext());
    await again.done;

    expect(again.prelude.statusCode).toBe(200);
    expect(sessions.messagesOf('tenant-a', 'chat-retry').map((message) => message.role)).toEqual([
      'user',
      'assistant',
    ]);
  });

  it('frees the stream slot without counting an answer when the model fails before the first token', async () => {
    const releases: { answered?: boolean }[] = [];
    const model = new FakeChatModel({ defaultReply: ANSWER }).failWith(openAiRefusal(500));
    const { handler } = setup(model, {
      limits: openingStreams(async () => async (options) => {
        releases.push(options ?? {});
      }),
    });

    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext());
    await response.done;

    expect(response.prelude.statusCode).toBe(503);
    expect(releases).toEqual([{ answered: false }]);
  });

  it('sends the head after a ping interval of silence before the first token, then tells a failure in an error part', async () => {
    const model = new FakeChatModel({
      defaultReply: ANSWER,
      onToken: async () => {
        await new Promise((resolve) => setTimeout(resolve, 120));
        throw openAiRefusal(500);
      },
    });
    const { handler } = setup(model, { pingIntervalMs: 40 });

    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext());
    await response.done;

    expect(response.prelude.statusCode).toBe(200);
    expect(parts(response.body).at(-1)).toMatchObject({ type: 'error' });
  });

  it('aborts the model at once when the client goes away after 3 tokens, keeping those tokens', async () => {
    const pace = pacedTokens(30);
    const model = new FakeChatModel({ defaultReply: ANSWER, onToken: pace.onToken });
    const { handler, sessions } = setup(model);
    const afterThreeTokens = (reads: ClientRead[]) =>
      reads.filter((read) => read.text.includes('"text-delta"')).length === 3;

    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext(), {
      closeAfterReads: afterThreeTokens,
    });
    await response.done;
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(lastCall(model).aborted).toBe(true);
    expect(lastCall(model).tokens).toHaveLength(3);
    const sessionId = (parts(response.body)[0]!.messageMetadata as { sessionId: string }).sessionId;
    expect(sessions.messagesOf('tenant-a', sessionId)[1]).toMatchObject({
      content: 'The answer is',
      incomplete: true,
    });
  });

  it('has stored the cut answer and freed its stream slot by the time the invocation returns', async () => {
    const model = new FakeChatModel({ defaultReply: ANSWER, onToken: pacedTokens(30).onToken });
    let slotFreed = false;
    const limits = openingStreams(async () => async () => {
      await new Promise((done) => setTimeout(done, 30));
      slotFreed = true;
    });
    const { handler, sessions } = setup(model, { limits });
    const append = sessions.appendTurn.bind(sessions);
    sessions.appendTurn = async (...args) => {
      await new Promise((done) => setTimeout(done, 50));
      return append(...args);
    };

    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext(), {
      closeAfterReads: (reads) =>
        reads.filter((read) => read.text.includes('"text-delta"')).length === 2,
    });
    await response.done;

    const sessionId = (parts(response.body)[0]!.messageMetadata as { sessionId: string }).sessionId;
    expect(sessions.messagesOf('tenant-a', sessionId)[1]).toMatchObject({ incomplete: true });
    expect(slotFreed).toBe(true);
  });

  it('sends a ping comment while the model is silent', async () => {
    const model = new FakeChatModel({
      defaultReply: 'slow answer',
      onToken: pacedTokens(120).onToken,
    });
    const { handler } = setup(model, { pingIntervalMs: 40 });

    const response = invokeStreaming(handler, post({ message: QUESTION }), lambdaContext());
    await response.done;

    const between = response.body.split('"delta":"slow"')[1]!.split('"delta":" answer"')[0]!;
    expect(between).toContain(': ping\n\n');
    expect(parts(response.body).map((part) => part.type)).not.toContain('error');
  });

  it('stops the model before the function times out and says why in an error part', async () => {
    const model = new FakeChatModel({ defaultReply: ANSWER, onToken: pacedTokens(100).onToken });
    const { handler } = setup(model, { budgetMarginMs: 0 });

    const response = invokeStreaming(
      handler,
      post({ message: QUESTION }),
      lambdaContext({ timeoutMs: 150 }),
    );
    await response.done;

    expect(lastCall(model).aborted).toBe(true);
    expect(parts(response.body).at(-1)).toMatchObject({
      type: 'error',
      errorText: expect.stringContaining('time budget'),
    });
  });
});
