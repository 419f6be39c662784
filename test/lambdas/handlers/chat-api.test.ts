import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { AnswerQuestion } from '../../../lambdas/core/chat/answer-question.js';
import { createHandler } from '../../../lambdas/handlers/chat-api.js';
import { everyDocumentLive } from '../../support/fakes/every-document-live.js';
import { FakeChatModel } from '../../support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../support/fakes/fake-vector-store.js';
import { InMemorySessionStore } from '../../support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { openAiRefusal } from '../../support/openai-refusal.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A session store whose writes take `writeMs`, as a throttled table's may. */
class SlowSessionStore extends InMemorySessionStore {
  constructor(private readonly writeMs: number) {
    super();
  }

  override async appendTurn(
    ...args: Parameters<InMemorySessionStore['appendTurn']>
  ): Promise<boolean> {
    await sleep(this.writeMs);
    return super.appendTurn(...args);
  }
}

const setup = (
  sessions: InMemorySessionStore,
  {
    embedder = new FakeEmbedder(),
    model = new FakeChatModel({ defaultReply: 'Because.' }),
  }: { embedder?: FakeEmbedder; model?: FakeChatModel } = {},
) =>
  createHandler({
    http: testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 }),
    answerQuestion: new AnswerQuestion({
      sessions,
      embedder,
      vectors: new FakeVectorStore(),
      documents: everyDocumentLive,
      model,
      clock: new ManualClock(),
      settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
    }),
    sessions,
    budgetMarginMs: 1_000,
  });

const ask = (message = 'Why?') =>
  apiGatewayEvent({
    method: 'POST',
    url: '/v1/chat',
    routeKey: 'POST /v1/chat',
    headers: { authorization: 'Bearer key-a', 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
  });

/** What the buffered route answers. */
interface RouteReply {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const storedMessages = (sessions: InMemorySessionStore) =>
  [...sessions.sessions.values()].reduce((sum, session) => sum + session.messages.length, 0);

describe('POST /v1/chat', () => {
  it('answers 400 for a question that shows nothing (zero-width characters), calling no model and storing nothing', async () => {
    const sessions = new InMemorySessionStore();
    const model = new FakeChatModel({ defaultReply: 'Because.' });
    const handler = setup(sessions, { model });

    const reply = (await handler(ask('\u200b\u2060\u200d'), lambdaContext())) as RouteReply;

    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body).errors).toEqual([
      { path: 'body.message', message: 'The message shows nothing' },
    ]);
    expect(model.calls).toHaveLength(0);
    expect(sessions.sessions.size).toBe(0);
  });

  it('answers 200 for a turn whose storing outlasts the time budget, within its grace', async () => {
    const sessions = new SlowSessionStore(300);
    const handler = setup(sessions);

    // The budget fires 200 ms in, while the answered turn is being stored (300 ms).
    const reply = (await handler(ask(), lambdaContext({ timeoutMs: 1_200 }))) as {
      statusCode: number;
    };

    expect(reply.statusCode).toBe(200);
    expect(storedMessages(sessions)).toBe(2);
  });

  it("answers OpenAI's chat rate limit, after the SDK's retries, 503 problem with its retry-after-ms as Retry-After, storing nothing", async () => {
    // Arrange
    const sessions = new InMemorySessionStore();
    const model = new FakeChatModel().failWith(
      openAiRefusal(429, { 'retry-after-ms': '20000' }, 'chat completion'),
    );
    const handler = setup(sessions, { model });

    // Act
    const reply = (await handler(ask(), lambdaContext())) as RouteReply;

    // Assert
    expect(reply.statusCode).toBe(503);
    expect(reply.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'retry-after': '20',
    });
    expect(JSON.parse(reply.body)).toMatchObject({
      type: 'urn:problem:dependency:openai',
      status: 503,
      detail: 'openai: chat completion: rate limited (429)',
    });
    expect(storedMessages(sessions)).toBe(0);
  });

  it("answers OpenAI's embeddings rate limit 503 problem with its retry-after as Retry-After, storing nothing", async () => {
    // Arrange
    const sessions = new InMemorySessionStore();
    const embedder = new FakeEmbedder();
    embedder.failures.push(openAiRefusal(429, { 'retry-after': '7' }, 'embeddings'));
    const handler = setup(sessions, { embedder });

    // Act
    const reply = (await handler(ask(), lambdaContext())) as RouteReply;

    // Assert
    expect(reply.statusCode).toBe(503);
    expect(reply.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'retry-after': '7',
    });
    expect(JSON.parse(reply.body)).toMatchObject({
      type: 'urn:problem:dependency:openai',
      detail: 'openai: embeddings: rate limited (429)',
    });
    expect(storedMessages(sessions)).toBe(0);
  });
});
