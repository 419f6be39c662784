import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../../lambdas/core/problem.js';
import { withinBudget } from '../../../lambdas/http/time-budget.js';

const settleAfter = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('withinBudget', () => {
  it("answers with the work's result when the budget never fires", async () => {
    const budget = new AbortController();

    expect(await withinBudget(budget.signal, settleAfter(5, 'done'))).toBe('done');
  });

  it('answers 504 when the budget fires before the work settles', async () => {
    const budget = new AbortController();
    setTimeout(() => budget.abort(), 5);

    const error = await withinBudget(budget.signal, settleAfter(200, 'late')).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(HttpProblem);
    expect((error as HttpProblem).status).toBe(504);
  });

  it("answers with the work's result when it settles within the grace after the budget fires", async () => {
    const budget = new AbortController();
    setTimeout(() => budget.abort(), 5);

    const result = await withinBudget(budget.signal, settleAfter(30, 'stored'), { graceMs: 200 });

    expect(result).toBe('stored');
  });

  it('answers 504 when the work outlasts the grace', async () => {
    const budget = new AbortController();
    setTimeout(() => budget.abort(), 5);

    const error = await withinBudget(budget.signal, settleAfter(300, 'late'), {
      graceMs: 20,
    }).catch((caught: unknown) => caught);

    expect((error as HttpProblem).status).toBe(504);
  });
});
