import { describe, expect, it } from 'vitest';
import { type AnswerEvent, AnswerQuestion } from '../../../../lambdas/core/chat/answer-question.js';
import { BudgetedAnswers } from '../../../../lambdas/core/limits/budgeted-answers.js';
import { everyDocumentLive } from '../../../support/fakes/every-document-live.js';
import { FakeChatModel } from '../../../support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../../support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../../support/fakes/fake-vector-store.js';
import { InMemorySessionStore } from '../../../support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';
import { inMemoryTenantLimiter } from '../../../support/in-memory-tenant-limiter.js';

/**
 * gpt-4o-mini (the default CHAT_MODEL) writes at most 16 384 completion tokens; OpenAI refuses a
 * larger cap with 400 "max_tokens is too large: N. This model supports at most 16384 completion
 * tokens, whereas you provided N." (so do vLLM and llama.cpp servers past their context).
 */
const GPT_4O_MINI_MAX_OUTPUT = 16_384;

/** The composition's defaults: TENANT_LIMITS on, TENANT_TOKENS_PER_DAY 200 000, CHAT_MAX_TOKENS unset. */
const setup = () => {
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const model = new FakeChatModel({ defaultReply: 'A short answer.' });
  const limiter = inMemoryTenantLimiter({
    clock,
    defaults: {
      requestsPerMinute: 120,
      tokensPerDay: 200_000,
      concurrentStreams: 10,
      concurrentFollowers: 8,
    },
  });
  const inner = new AnswerQuestion({
    sessions: new InMemorySessionStore(),
    embedder: new FakeEmbedder(),
    vectors: new FakeVectorStore(),
    documents: everyDocumentLive,
    model,
    clock,
    settings: { topK: 5, minScore: 0.5, historyTokenBudget: 2_000 },
  });
  return { answers: new BudgetedAnswers(inner, limiter, undefined), model, limiter };
};

describe('the daily token budget with CHAT_MAX_TOKENS unset ("unset: the model\'s own limit")', () => {
  it('does not ask the model for more completion tokens than it can write, on a buffered answer', async () => {
    const { answers, model } = setup();

    await answers.answer({ tenantId: 'acme', message: 'Why?' });

    const cap = model.calls[0]?.options.maxTokens;
    expect(cap ?? 0).toBeLessThanOrEqual(GPT_4O_MINI_MAX_OUTPUT);
  });

  it('does not ask the model for more completion tokens than it can write, on a streamed answer', async () => {
    const { answers, model } = setup();

    const events: AnswerEvent[] = [];
    for await (const event of answers.stream({ tenantId: 'acme', message: 'Why?' }))
      events.push(event);

    const cap = model.calls[0]?.options.maxTokens;
    expect(cap ?? 0).toBeLessThanOrEqual(GPT_4O_MINI_MAX_OUTPUT);
  });

  it('caps the answer at the budget left once that is under what every chat model accepts', async () => {
    const { answers, model, limiter } = setup();
    await limiter.recordTokens('acme', {
      promptTokens: 199_000,
      completionTokens: 0,
      totalTokens: 199_000,
    });

    await answers.answer({ tenantId: 'acme', message: 'Why?' });

    expect(model.calls[0]?.options.maxTokens).toBe(1_000);
  });
});
