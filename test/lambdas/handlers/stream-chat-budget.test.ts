import { describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../../../dev/http-events.js';
import { installAwsLambdaGlobal } from '../../../dev/lambda-response-stream.js';
import { AnswerQuestion } from '../../../lambdas/core/chat/answer-question.js';
import { BudgetedAnswers } from '../../../lambdas/core/limits/budgeted-answers.js';
import { COMPLETION_TOKENS, TOKENS } from '../../../lambdas/core/limits/tenant-limiter.js';
import { createHandler } from '../../../lambdas/handlers/stream-chat.js';
import { everyDocumentLive } from '../../support/fakes/every-document-live.js';
import { FakeChatModel } from '../../support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../support/fakes/fake-vector-store.js';
import { InMemorySessionStore } from '../../support/fakes/in-memory-session-store.js';
import { InMemoryUsageMeter } from '../../support/fakes/in-memory-usage-meter.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { inMemoryTenantLimiter } from '../../support/in-memory-tenant-limiter.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { invokeStreaming } from '../../support/streaming-invoke.js';

installAwsLambdaGlobal();

const TOKENS_PER_DAY = 10_000;

const setup = () => {
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const meter = new InMemoryUsageMeter(clock);
  const sessions = new InMemorySessionStore();
  const limiter = inMemoryTenantLimiter({
    clock,
    meter,
    defaults: {
      requestsPerMinute: 100,
      tokensPerDay: TOKENS_PER_DAY,
      concurrentStreams: 4,
      concurrentFollowers: 8,
    },
  });
  const answers = new AnswerQuestion({
    sessions,
    embedder: new FakeEmbedder(),
    vectors: new FakeVectorStore(),
    documents: everyDocumentLive,
    model: new FakeChatModel({ defaultReply: 'One two three four five six seven eight.' }),
    clock,
    settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
  });
  const handler = createHandler({
    ...testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 }),
    answerQuestion: new BudgetedAnswers(answers, limiter),
    limits: limiter,
  });
  return { handler, meter, sessions };
};

const ask = () =>
  functionUrlEvent({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/json', authorization: 'Bearer key-a' },
    body: JSON.stringify({ message: 'Count for me?' }),
  });

const parts = (body: string) =>
  body
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice('data: '.length)) as Record<string, unknown>);

describe('streaming chat under the daily token budget', () => {
  it('stops an answer that reaches the budget with an error part and stores it incomplete', async () => {
    const { handler, meter, sessions } = setup();
    await meter.add('tenant-a', TOKENS, TOKENS_PER_DAY - 3);

    const response = invokeStreaming(handler, ask(), lambdaContext());
    await response.done;

    const all = parts(response.body);
    const sessionId = (all[0]!.messageMetadata as { sessionId: string }).sessionId;
    expect(response.prelude.statusCode).toBe(200);
    expect(all.filter((part) => part.type === 'text-delta')).toHaveLength(3);
    expect(all.at(-1)).toMatchObject({
      type: 'error',
      errorText: expect.stringContaining('daily model token budget'),
    });
    expect(all.some((part) => part.type === 'finish')).toBe(false);
    expect(sessions.messagesOf('tenant-a', sessionId)[1]).toMatchObject({
      content: 'One two three',
      incomplete: true,
    });
  });

  it("counts the cut answer's tokens, so the next question is refused with 429", async () => {
    const { handler, meter } = setup();
    await meter.add('tenant-a', TOKENS, TOKENS_PER_DAY - 3);
    await invokeStreaming(handler, ask(), lambdaContext()).done;

    const next = invokeStreaming(handler, ask(), lambdaContext());
    await next.done;

    expect(await meter.read('tenant-a', COMPLETION_TOKENS)).toBe(3);
    expect(next.prelude.statusCode).toBe(429);
  });

  it("carries the tokens used and the budget left in the finish part's metadata", async () => {
    const { handler } = setup();

    const response = invokeStreaming(handler, ask(), lambdaContext());
    await response.done;

    const finish = parts(response.body).find((part) => part.type === 'finish');
    const metadata = finish?.messageMetadata as {
      usage: { totalTokens: number };
      budget: { tokensUsed: number; tokensRemaining: number };
    };
    expect(metadata.budget).toEqual({
      tokensUsed: metadata.usage.totalTokens,
      tokensRemaining: TOKENS_PER_DAY - metadata.usage.totalTokens,
    });
  });
});
