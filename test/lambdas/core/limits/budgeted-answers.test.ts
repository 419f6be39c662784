import { describe, expect, it } from 'vitest';
import { type AnswerEvent, AnswerQuestion } from '../../../../lambdas/core/chat/answer-question.js';
import { BudgetCut } from '../../../../lambdas/core/chat/budget-cut.js';
import { BudgetedAnswers } from '../../../../lambdas/core/limits/budgeted-answers.js';
import { COMPLETION_TOKENS, TOKENS } from '../../../../lambdas/core/limits/tenant-limiter.js';
import { HttpProblem } from '../../../../lambdas/core/problem.js';
import { everyDocumentLive } from '../../../support/fakes/every-document-live.js';
import { FakeChatModel } from '../../../support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../../support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../../support/fakes/fake-vector-store.js';
import { InMemorySessionStore } from '../../../support/fakes/in-memory-session-store.js';
import { InMemoryUsageMeter } from '../../../support/fakes/in-memory-usage-meter.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';
import { inMemoryTenantLimiter } from '../../../support/in-memory-tenant-limiter.js';

const setup = (tokensPerDay: number, maxTokens?: number) => {
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const model = new FakeChatModel({ defaultReply: 'Four words of answer.' });
  const meter = new InMemoryUsageMeter(clock);
  const limiter = inMemoryTenantLimiter({
    clock,
    meter,
    defaults: {
      requestsPerMinute: 1_000,
      tokensPerDay,
      concurrentStreams: 10,
      concurrentFollowers: 8,
    },
  });
  const sessions = new InMemorySessionStore();
  const inner = new AnswerQuestion({
    sessions,
    embedder: new FakeEmbedder(),
    vectors: new FakeVectorStore(),
    documents: everyDocumentLive,
    model,
    clock,
    settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
  });
  return { answers: new BudgetedAnswers(inner, limiter, maxTokens), model, meter, sessions };
};

const drain = async (events: AsyncGenerator<AnswerEvent>) => {
  const seen: AnswerEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
};

describe('BudgetedAnswers', () => {
  it('counts the tokens the model reports and tells the budget left in the answer', async () => {
    const { answers, meter } = setup(10_000);

    const answer = await answers.answer({ tenantId: 'acme', message: 'Why?' });

    expect(answer.usage.totalTokens).toBeGreaterThan(0);
    expect(answer.budget).toEqual({
      tokensUsed: answer.usage.totalTokens,
      tokensRemaining: 10_000 - answer.usage.totalTokens,
    });
    expect(await meter.read('acme', TOKENS)).toBe(answer.usage.totalTokens);
  });

  it('caps the answer at what is left of the budget, so it cannot run past it', async () => {
    const { answers, model, meter } = setup(1_000);
    await meter.add('acme', TOKENS, 960);

    await answers.answer({ tenantId: 'acme', message: 'Why?' });

    expect(model.calls.at(-1)?.options.maxTokens).toBe(40);
  });

  it('refuses a question with 429 once the day is spent, without calling the model', async () => {
    const { answers, model, meter } = setup(100);
    await meter.add('acme', TOKENS, 100);

    const refused = answers.answer({ tenantId: 'acme', message: 'Why?' });

    await expect(refused).rejects.toMatchObject({ status: 429 });
    await expect(refused).rejects.toBeInstanceOf(HttpProblem);
    expect(model.calls).toHaveLength(0);
  });

  it('refuses a streamed question before its first event, and counts a streamed answer at its end', async () => {
    const { answers, meter } = setup(10_000);

    const events = await drain(answers.stream({ tenantId: 'acme', message: 'Why?' }));
    const finish = events.at(-1);
    await meter.add('acme', TOKENS, 10_000);

    expect(finish).toMatchObject({ type: 'finish', budget: { tokensUsed: expect.any(Number) } });
    await expect(
      answers.stream({ tenantId: 'acme', message: 'Again?' }).next(),
    ).rejects.toMatchObject({ status: 429 });
  });

  it('overshoots under 50 concurrent questions by at most the tokens of the answers in flight, then refuses', async () => {
    const { answers, meter } = setup(200);
    const one = (await answers.answer({ tenantId: 'probe', message: 'Why?' })).usage.totalTokens;

    await Promise.allSettled(
      Array.from({ length: 50 }, () => answers.answer({ tenantId: 'acme', message: 'Why?' })),
    );

    expect(await meter.read('acme', TOKENS)).toBeLessThanOrEqual(200 + 50 * one);
    await expect(answers.answer({ tenantId: 'acme', message: 'Why?' })).rejects.toMatchObject({
      status: 429,
    });
  });

  it('counts a streamed answer that failed after its first token, so stopping answers is no way round the budget', async () => {
    const { answers, model, meter } = setup(10_000);
    model.failWith(new Error('connection dropped'), { afterTokens: 2 });

    await expect(drain(answers.stream({ tenantId: 'acme', message: 'Why?' }))).rejects.toThrow(
      'connection dropped',
    );

    expect(await meter.read('acme', TOKENS)).toBeGreaterThan(0);
  });

  it('counts nothing for a streamed answer that failed before its first token', async () => {
    const { answers, model, meter } = setup(10_000);
    model.failWith(new Error('refused'));

    await expect(drain(answers.stream({ tenantId: 'acme', message: 'Why?' }))).rejects.toThrow(
      'refused',
    );

    expect(await meter.read('acme', TOKENS)).toBe(0);
  });

  it('counts a buffered answer whose turn could not be stored', async () => {
    const { answers, meter, sessions } = setup(10_000);
    sessions.appendFailures.push(new Error('table unavailable'));

    await expect(answers.answer({ tenantId: 'acme', message: 'Why?' })).rejects.toThrow(
      'table unavailable',
    );

    expect(await meter.read('acme', TOKENS)).toBeGreaterThan(0);
  });

  it('cuts a streamed answer that reaches the budget, with its tokens counted', async () => {
    const { answers, meter } = setup(1_000);
    await meter.add('acme', TOKENS, 998);

    const failure = await drain(answers.stream({ tenantId: 'acme', message: 'Why?' })).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(BudgetCut);
    expect(await meter.read('acme', COMPLETION_TOKENS)).toBe(2);
  });

  it('ends a streamed answer whole when the configured cap, not the budget, stops it', async () => {
    const { answers } = setup(10_000, 2);

    const events = await drain(answers.stream({ tenantId: 'acme', message: 'Why?' }));

    expect(events.at(-1)).toMatchObject({ type: 'finish', usage: { completionTokens: 2 } });
  });
});
