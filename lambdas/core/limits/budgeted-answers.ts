import type { Answer, AnswerEvent, AnswerQuestion, Question } from '../chat/answer-question.js';
import type { TenantLimiter } from './tenant-limiter.js';

/**
 * {@link AnswerQuestion} under the tenant's daily token budget: a question is refused with a
 * 429 problem once the budget is spent (before any model call, so before a stream starts),
 * and every answer's usage, as the model reports it (prompt + completion), is counted after
 * it and told in the answer's `budget` (buffered) or the `finish` part's metadata (streamed).
 *
 * The check reads the day's count and the count is added after the answer, so answers that
 * start together while the tenant is under budget all run: the budget may be overshot by at
 * most the tokens of the answers in flight at once (concurrency × the largest answer,
 * bounded by `CHAT_MAX_TOKENS` and the prompt size); the next question is then refused.
 * An answer cut before the model reports its usage is not counted.
 *
 * @example
 * const answers = new BudgetedAnswers(answerQuestion, limiter);
 * const answer = await answers.answer({ tenantId: 'acme', message: 'Why?' });
 */
export class BudgetedAnswers implements Pick<AnswerQuestion, 'answer' | 'stream'> {
  constructor(
    private readonly inner: Pick<AnswerQuestion, 'answer' | 'stream'>,
    private readonly limiter: Pick<TenantLimiter, 'checkTokenBudget' | 'recordTokens'>,
  ) {}

  async answer(question: Question): Promise<Answer> {
    await this.limiter.checkTokenBudget(question.tenantId);
    const answer = await this.inner.answer(question);
    const budget = await this.limiter.recordTokens(question.tenantId, answer.usage.totalTokens);
    return { ...answer, budget };
  }

  async *stream(question: Question): AsyncGenerator<AnswerEvent> {
    await this.limiter.checkTokenBudget(question.tenantId);
    for await (const event of this.inner.stream(question)) {
      if (event.type !== 'finish') {
        yield event;
        continue;
      }
      const budget = await this.limiter.recordTokens(question.tenantId, event.usage.totalTokens);
      yield { ...event, budget };
    }
  }
}
