import type { TokenUsage } from '../ports/chat-model.js';
import { HttpProblem } from '../problem.js';

/**
 * A streamed answer cut because it reached what was left of the tenant's daily token budget:
 * what was said is stored `incomplete`, and the stream ends with an `error` part telling so.
 * Carries the usage the model reported, so the tokens are still counted.
 *
 * @example
 * throw new BudgetCut({ promptTokens: 900, completionTokens: 100, totalTokens: 1_000 });
 */
export class BudgetCut extends HttpProblem {
  constructor(readonly usage: TokenUsage) {
    super(429, {
      detail:
        "The answer was cut: it reached the tenant's daily model token budget. " +
        'What was said so far is kept, marked incomplete.',
    });
  }
}
