import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../../../dev/http-events.js';
import { installAwsLambdaGlobal } from '../../../dev/lambda-response-stream.js';
import { DynamoDbStreamLog } from '../../../lambdas/adapters/dynamodb/dynamodb-stream-log.js';
import { AnswerQuestion } from '../../../lambdas/core/chat/answer-question.js';
import { systemClock } from '../../../lambdas/core/ports/clock.js';
import { createHandler } from '../../../lambdas/handlers/stream-chat.js';
import { type DynaliteHandle, startDynalite } from '../../support/dynalite.js';
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

const AUTH = { authorization: 'Bearer key-a' };
const REPLY = Array.from({ length: 20 }, (_, index) => `w${index}`).join(' ');

const request = (method: string, url: string, body?: unknown) =>
  functionUrlEvent({
    method,
    url,
    headers: { ...AUTH, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

const parts = (body: string) =>
  body
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map((line) => JSON.parse(line.slice('data: '.length)) as { type: string; delta?: string });

const deltaReads = (reads: ClientRead[]) =>
  reads.filter((read) => read.text.includes('"text-delta"')).length;

/**
 * An embedder taking `delayMs` to answer (the time an answer is prepared before its marker),
 * then failing with `failure` when one is given.
 */
class SlowEmbedder extends FakeEmbedder {
  constructor(
    private readonly delayMs: number,
    private readonly failure?: Error,
  ) {
    super();
  }

  override async embed(...args: Parameters<FakeEmbedder['embed']>) {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failure) throw this.failure;
    return super.embed(...args);
  }
}

describe('streaming chat function with resumable streams', () => {
  let db: DynaliteHandle;
  let chats = 0;

  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(() => db.close());

  /** Two function instances (no shared memory) over one table, one model, one session store. */
  const setup = (
    tokenIntervalMs = 20,
    resumable = true,
    embedDelayMs = 0,
    embedFailure?: Error,
  ) => {
    const model = new FakeChatModel({
      defaultReply: REPLY,
      onToken: pacedTokens(tokenIntervalMs).onToken,
    });
    const sessions = new InMemorySessionStore();
    const answerQuestion = new AnswerQuestion({
      sessions,
      embedder: new SlowEmbedder(embedDelayMs, embedFailure),
      vectors: new FakeVectorStore(),
      documents: everyDocumentLive,
      model,
      clock: new ManualClock(),
      settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
    });
    const instance = () => {
      const log = new DynamoDbStreamLog(db.documentClient, {
        tableName: db.tableName,
        clock: systemClock,
        ttlSeconds: 600,
      });
      return createHandler({
        ...testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 }),
        answerQuestion,
        ...(resumable ? { resumable: { log, preparations: log, sessions } } : {}),
      });
    };
    chats += 1;
    return { model, sessions, a: instance(), b: instance(), chatId: `chat-${chats}` };
  };

  it('keeps answering when the client goes away, and stores the answer whole', async () => {
    const { a, model, sessions, chatId } = setup();

    const cut = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
      {
        closeAfterReads: (reads) => deltaReads(reads) === 2,
      },
    );
    await cut.done;

    expect(model.calls.at(-1)?.aborted).toBe(false);
    expect(model.calls.at(-1)?.tokens).toHaveLength(20);
    expect(sessions.messagesOf('tenant-a', chatId)[1]).toMatchObject({ content: REPLY });
    expect(sessions.messagesOf('tenant-a', chatId)[1]?.incomplete).toBeUndefined();
  });

  it('replays and follows, on another instance, exactly the parts the writer sent', async () => {
    const { a, b, chatId } = setup();

    const writer = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    );
    await new Promise((resolve) => setTimeout(resolve, 120));
    const reader = invokeStreaming(b, request('GET', `/${chatId}/stream`), lambdaContext());
    await Promise.all([writer.done, reader.done]);

    expect(reader.prelude.statusCode).toBe(200);
    expect(parts(reader.body)).toEqual(parts(writer.body));
    const dataLines = reader.body.split('\n').filter((line) => line.startsWith('data: '));
    expect(dataLines.at(-1)).toBe('data: [DONE]');
  });

  it('stops an answer running on another instance: model aborted, partial stored incomplete', async () => {
    const { a, b, model, sessions, chatId } = setup(40);
    let stop: ReturnType<typeof invokeStreaming> | undefined;

    const writer = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
      {
        closeAfterReads: (reads) => {
          if (deltaReads(reads) === 3) {
            stop ??= invokeStreaming(b, request('POST', `/${chatId}/stop`), lambdaContext());
          }
          return false;
        },
      },
    );
    await writer.done;
    await stop?.done;

    expect(stop?.prelude.statusCode).toBe(202);
    expect(model.calls.at(-1)?.aborted).toBe(true);
    const sent = parts(writer.body);
    expect(sent.at(-1)).toMatchObject({ type: 'finish', finishReason: 'interrupted' });
    const text = sent.map((part) => part.delta ?? '').join('');
    expect(sessions.messagesOf('tenant-a', chatId)[1]).toMatchObject({
      content: text,
      incomplete: true,
    });
  });

  it('stops an answer whose stop came while it was prepared, before its first token', async () => {
    const { a, b, model, sessions, chatId } = setup(20, true, 150);
    const writer = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));

    const stop = invokeStreaming(b, request('POST', `/${chatId}/stop`), lambdaContext());
    await Promise.all([writer.done, stop.done]);

    expect(stop.prelude.statusCode).toBe(202);
    expect(model.calls.at(-1)?.options.signal?.aborted).toBe(true);
    expect(parts(writer.body).at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'interrupted',
    });
    expect(parts(writer.body).filter((part) => part.type === 'text-delta')).toEqual([]);
    expect(sessions.messagesOf('tenant-a', chatId)).toEqual([]);
  });

  it.each([
    ['a new chat', false],
    ['a chat with answers', true],
  ])(
    'follows on another instance an answer of %s that a resume came for while it was prepared',
    async (_, earlierTurn) => {
      // Arrange: preparing an answer (embedding, retrieval) takes 300 ms.
      const { a, b, chatId } = setup(10, true, 300);
      if (earlierTurn) {
        await invokeStreaming(
          a,
          request('POST', '/', { sessionId: chatId, message: 'Hello' }),
          lambdaContext(),
        ).done;
      }
      const writer = invokeStreaming(
        a,
        request('POST', '/', { sessionId: chatId, message: 'Hi' }),
        lambdaContext(),
      );
      await new Promise((resolve) => setTimeout(resolve, 60));

      // Act: the page reloads while the answer is prepared (useChat's `resume: true`).
      const reader = invokeStreaming(b, request('GET', `/${chatId}/stream`), lambdaContext());
      await Promise.all([writer.done, reader.done]);

      // Assert
      expect(reader.prelude.statusCode).toBe(200);
      expect(parts(reader.body)).toEqual(parts(writer.body));
      expect(parts(reader.body).filter((part) => part.type === 'text-delta')).toHaveLength(20);
    },
  );

  it('gives a resume that came while the answer was prepared the stopped answer, without a token, when a stop came then too', async () => {
    // Arrange
    const { a, b, model, sessions, chatId } = setup(20, true, 300);
    const writer = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    const reader = invokeStreaming(b, request('GET', `/${chatId}/stream`), lambdaContext());
    await new Promise((resolve) => setTimeout(resolve, 30));

    // Act
    const stop = invokeStreaming(b, request('POST', `/${chatId}/stop`), lambdaContext());
    await Promise.all([writer.done, reader.done, stop.done]);

    // Assert: the stop still cuts the answer before its first token...
    expect(stop.prelude.statusCode).toBe(202);
    expect(model.calls.at(-1)?.options.signal?.aborted).toBe(true);
    expect(parts(writer.body).filter((part) => part.type === 'text-delta')).toEqual([]);
    expect(sessions.messagesOf('tenant-a', chatId)).toEqual([]);
    // ...and the resume ends as the stopped answer does.
    expect(reader.prelude.statusCode).toBe(200);
    expect(parts(reader.body)).toEqual(parts(writer.body));
    expect(parts(reader.body).at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'interrupted',
    });
  });

  it('answers a resume without waiting further once the answer being prepared failed before its start', async () => {
    // Arrange: the embedding fails after 200 ms.
    const { a, b, chatId } = setup(0, true, 200, new Error('embedding failed'));
    const writer = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const startedAt = Date.now();

    // Act
    const reader = invokeStreaming(b, request('GET', `/${chatId}/stream`), lambdaContext());
    await Promise.all([writer.done, reader.done]);

    // Assert: not the longest wait (5 s) for an answer that will not begin.
    expect(writer.prelude.statusCode).toBeGreaterThanOrEqual(500);
    expect(reader.prelude.statusCode).toBe(404);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it('answers a rate limit before the first token with a 503 problem and ends a resume that followed it', async () => {
    // Arrange: OpenAI refuses 150 ms after the answer's marker is written.
    const { a, b, model, chatId } = setup(0);
    model.onToken = async () => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      throw openAiRefusal(429, { 'retry-after': '20' });
    };
    const writer = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    );
    await new Promise((resolve) => setTimeout(resolve, 60));
    const startedAt = Date.now();

    // Act
    const reader = invokeStreaming(b, request('GET', `/${chatId}/stream`), lambdaContext());
    await Promise.all([writer.done, reader.done]);

    // Assert: the writer's client gets a problem, the follower the failure, at once.
    expect(writer.prelude.statusCode).toBe(503);
    expect(writer.prelude.headers?.['retry-after']).toBe('20');
    expect(reader.prelude.statusCode).toBe(200);
    expect(parts(reader.body).at(-1)).toMatchObject({ type: 'error' });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it('leaves no active stream on the chat when the model fails before the first token', async () => {
    const { a, model, chatId } = setup(0);
    model.failWith(openAiRefusal(500));
    const log = new DynamoDbStreamLog(db.documentClient, {
      tableName: db.tableName,
      clock: systemClock,
      ttlSeconds: 600,
    });

    const writer = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    );
    await writer.done;

    expect(writer.prelude.statusCode).toBe(503);
    expect(await log.active('tenant-a', chatId, { consistent: true })).toBeUndefined();
  });

  it('clears the note of an answer being prepared whose write landed though it answered an error', async () => {
    // Arrange: the note's write reaches the table but its answer is lost (a client timeout).
    const log = new DynamoDbStreamLog(db.documentClient, {
      tableName: db.tableName,
      clock: systemClock,
      ttlSeconds: 600,
    });
    const handler = createHandler({
      ...testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 }),
      answerQuestion: new AnswerQuestion({
        sessions: new InMemorySessionStore(),
        embedder: new FakeEmbedder(),
        vectors: new FakeVectorStore(),
        documents: everyDocumentLive,
        model: new FakeChatModel({ defaultReply: REPLY }),
        clock: new ManualClock(),
        settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
      }),
      resumable: {
        log,
        sessions: new InMemorySessionStore(),
        preparations: {
          prepare: async (...args) => {
            await log.prepare(...args);
            throw new Error('the write timed out');
          },
          abandon: (...args) => log.abandon(...args),
          view: (...args) => log.view(...args),
        },
      },
    });
    chats += 1;
    const chatId = `chat-${chats}`;

    // Act
    await invokeStreaming(
      handler,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    ).done;

    // Assert: no note left for resumes to wait on until the writer's deadline.
    expect((await log.view('tenant-a', chatId)).preparing).toEqual([]);
  });

  it('answers in full a question asked after a stop that found nothing running', async () => {
    const { a, model, sessions, chatId } = setup(0);
    await invokeStreaming(a, request('POST', `/${chatId}/stop`), lambdaContext()).done;
    await new Promise((resolve) => setTimeout(resolve, 5));

    await invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    ).done;

    expect(model.calls.at(-1)?.aborted).toBe(false);
    expect(sessions.messagesOf('tenant-a', chatId)[1]).toMatchObject({ content: REPLY });
  });

  it('keeps the live answer whole and ends followers with an error part when DynamoDB goes away', async () => {
    const { a, b, model, chatId } = setup(30);
    const writer = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reader = invokeStreaming(b, request('GET', `/${chatId}/stream`), lambdaContext(), {
      closeAfterReads: (reads) => {
        if (deltaReads(reads) === 5) void db.stop();
        return false;
      },
    });

    await Promise.all([writer.done, reader.done]);
    await db.start();

    expect(model.calls.at(-1)?.aborted).toBe(false);
    expect(
      parts(writer.body)
        .map((part) => part.delta ?? '')
        .join(''),
    ).toBe(REPLY);
    expect(parts(reader.body).at(-1)).toMatchObject({
      type: 'error',
      errorText: expect.stringMatching(/dynamodb/i),
    });
    expect(
      reader.body
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .at(-1),
    ).toBe('data: [DONE]');
  });

  it('treats a stream whose writer is past its deadline as ended, though its marker remains', async () => {
    const { a, chatId } = setup(0);
    const log = new DynamoDbStreamLog(db.documentClient, {
      tableName: db.tableName,
      clock: systemClock,
      ttlSeconds: 600,
    });
    await log.begin('tenant-a', chatId, {
      streamId: 'stale',
      deadlineAt: Date.now() - 60_000,
      requestedAt: Date.now() - 120_000,
    });

    const resume = invokeStreaming(a, request('GET', `/${chatId}/stream`), lambdaContext());
    await resume.done;

    expect(resume.prelude.statusCode).toBe(404);
  });

  it('answers 204 to a resume of a chat that exists with nothing streaming', async () => {
    const { a, chatId } = setup(0);
    await invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'Hi' }),
      lambdaContext(),
    ).done;

    const resume = invokeStreaming(a, request('GET', `/${chatId}/stream`), lambdaContext());
    await resume.done;

    expect(resume.prelude.statusCode).toBe(204);
    expect(resume.body).toBe('');
  });

  it.each([
    ['a resume of an unknown chat', request('GET', '/chat-unknown/stream'), 404],
    ['another method on the resume route', request('POST', '/chat-1/stream'), 405],
    ['an unknown sub-path', request('GET', '/chat-1/other'), 404],
    ['a chat id that is not an id', request('GET', '/chat%2F1/stream'), 400],
    ['a stop of a chat id that is not an id', request('POST', '/chat!1/stop'), 400],
  ])('answers %s with a problem', async (_, event, status) => {
    const { a } = setup(0);

    const response = invokeStreaming(a, event, lambdaContext());
    await response.done;

    expect(response.prelude.statusCode).toBe(status);
    expect(response.prelude.headers?.['content-type']).toBe('application/problem+json');
  });

  it('answers a malformed chat id with the validation problem the HTTP API gives a malformed id', async () => {
    const { a } = setup(0);

    const response = invokeStreaming(a, request('GET', '/chat!1/stream'), lambdaContext());
    await response.done;

    expect(JSON.parse(response.body)).toEqual(
      expect.objectContaining({
        status: 400,
        type: 'urn:problem:validation',
        errors: [
          { path: 'path.chatId', message: 'Use 1–64 letters, digits, dashes or underscores' },
        ],
      }),
    );
  });

  it('answers a malformed chat id without a key 401, as the HTTP API checks the key first', async () => {
    const { a } = setup(0);
    const event = functionUrlEvent({ method: 'GET', url: '/chat!1/stream', headers: {} });

    const response = invokeStreaming(a, event, lambdaContext());
    await response.done;

    expect(response.prelude.statusCode).toBe(401);
  });

  it('has no resume route when resumable streams are off', async () => {
    const { a } = setup(0, false);

    const response = invokeStreaming(a, request('GET', '/chat-1/stream'), lambdaContext());
    await response.done;

    expect(response.prelude.statusCode).toBe(404);
  });
});
