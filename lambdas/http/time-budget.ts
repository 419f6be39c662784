import { HttpProblem } from '../core/problem.js';

/** What is left of the invocation's time, as Lambda's context tells it. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/**
 * An AbortSignal that fires `marginMs` before the function would time out, so that upstream
 * calls are stopped and the client gets a problem instead of a gateway error.
 *
 * @example
 * const signal = timeBudget(context, 1_000);
 * await model.complete(prompt, { signal });
 */
export const timeBudget = (context: RemainingTime, marginMs: number): AbortSignal =>
  AbortSignal.timeout(Math.max(1, context.getRemainingTimeInMillis() - marginMs));

/**
 * Runs work under a time budget: when the budget's signal fires first, answers 504 saying so.
 */
export const withinBudget = async <T>(signal: AbortSignal, work: Promise<T>): Promise<T> => {
  try {
    return await work;
  } catch (error) {
    if (signal.aborted) {
      throw new HttpProblem(504, {
        type: 'urn:problem:time-budget',
        detail: 'The request ran out of time waiting for an upstream dependency',
        cause: error,
      });
    }
    throw error;
  }
};
