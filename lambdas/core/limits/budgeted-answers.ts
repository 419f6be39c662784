import type { Answer, AnswerEvent, AnswerQuestion, Question } from '../chat/answer-question.js';
import { BudgetCut } from '../chat/budget-cut.js';
import type { TenantLimiter } from './tenant-limiter.js';

/**
 * The largest completion cap every current chat model accepts (gpt-3.5-turbo writes at most
 * 4 096 tokens, gpt-4o-mini 16 384): below it, the day's budget left is sent as the cap.
 */
export const SAFE_COMPLETION_CAP = 4_096;

/**
 * {@link AnswerQuestion} under the tenant's daily token budget: a question is refused with a
 * 429 problem once the budget is spent (before any model call, so before a stream starts),
 * and every answer's usage, as the model reports it (prompt + completion), is counted after
 * it and told in the answer's `budget` (buffered) or the `finish` part's metadata (streamed).
 * An answer's completion is capped at what is left of the budget when it starts (without
 * `CHAT_MAX_TOKENS`, only once that is under {@link SAFE_COMPLETION_CAP}). A streamed
 * answer that reaches that cap is cut there: stored `incomplete`, its tokens counted, and the
 * stream ends with an `error` part ({@link BudgetCut}); a buffered one ends at the cap, whole
 * (finish reason `length`).
 *
 * The check reads the container's view of the day's count (see `LocalAllowance`) and the
 * count is added after the answer, so answers that start together while the tenant is under
 * budget all run: the budget may be overshot by the tokens of the answers in flight at once
 * (concurrency × the largest answer, bounded by `CHAT_MAX_TOKENS` and the prompt size) plus
 * containers × the token block; the next question is then refused. An answer cut before it
 * finishes (stopped, the client gone, a failure after its first token) is counted too, with the
 * usage {@link AnswerQuestion} estimates for it (`chargeCut`): stopping answers is no way round
 * the budget.
 *
 * @example
 * const answers = new BudgetedAnswers(answerQuestion, limiter);
 * const answer = await answers.answer({ tenantId: 'acme', message: 'Why?' });
 */
export class BudgetedAnswers implements Pick<AnswerQuestion, 'answer' | 'stream'> {
  constructor(
    private readonly inner: Pick<AnswerQuestion, 'answer' | 'stream'>,
    private readonly limiter: Pick<TenantLimiter, 'checkTokenBudget' | 'recordTokens'>,
    /** The configured cap on an answer's tokens (`CHAT_MAX_TOKENS`), if any. */
    private readonly maxTokens?: number,
  ) {}

  /** The question with its answer capped at what is left of the day's budget. */
  async #capped(question: Question): Promise<Question> {
    const { tokensRemaining } = await this.limiter.checkTokenBudget(question.tenantId);
    const caps = [question.maxTokens, this.maxTokens].filter(
      (cap): cap is number => cap !== undefined,
    );
    // Without a configured cap the model's own limit applies, which is not known here: the
    // budget left is sent as the cap only below what every current chat model accepts (a cap
    // past a model's output limit is refused with a 400: 200 000 for gpt-4o-mini's 16 384).
    const binding =
      caps.length > 0
        ? caps.every((cap) => tokensRemaining < cap)
        : tokensRemaining < SAFE_COMPLETION_CAP;
    const maxTokens = binding ? tokensRemaining : caps.length > 0 ? Math.min(...caps) : undefined;
    const { maxTokens: _asked, ...rest } = question;
    return {
      ...rest,
      ...(maxTokens === undefined ? {} : { maxTokens }),
      ...(binding ? { budgetTokens: tokensRemaining } : {}),
      // Counting must never turn a cut answer's own failure into another one.
      chargeCut: (usage) =>
        this.limiter.recordTokens(question.tenantId, usage).then(
          () => undefined,
          () => undefined,
        ),
    };
  }

  async answer(question: Question): Promise<Answer> {
    const answer = await this.inner.answer(await this.#capped(question));
    const budget = await this.limiter.recordTokens(question.tenantId, answer.usage);
    return { ...answer, budget };
  }

  async *stream(question: Question): AsyncGenerator<AnswerEvent> {
    try {
      for await (const event of this.inner.stream(await this.#capped(question))) {
        if (event.type !== 'finish') {
          yield event;
          continue;
        }
        const budget = await this.limiter.recordTokens(question.tenantId, event.usage);
        yield { ...event, budget };
      }
    } catch (error) {
      if (error instanceof BudgetCut)
        await this.limiter.recordTokens(question.tenantId, error.usage);
      throw error;
    }
  }
}
