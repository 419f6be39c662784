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

const outOfTime = (cause: unknown) =>
  new HttpProblem(504, {
    type: 'urn:problem:time-budget',
    detail: 'The request ran out of time waiting for an upstream dependency',
    cause,
  });

/**
 * Runs work under a time budget: when the budget's signal fires first, answers 504 saying so
 * at once, even if the work has not stopped yet (it should honour the signal; what it still
 * does afterwards must be safe to cut, as Lambda freezes the function after the response).
 *
 * @example
 * const signal = timeBudget(context, 1_000);
 * const answer = await withinBudget(signal, answerQuestion.answer({ ...input, signal }));
 */
export const withinBudget = async <T>(signal: AbortSignal, work: Promise<T>): Promise<T> => {
  if (signal.aborted) throw outOfTime(signal.reason);
  let onAbort: (() => void) | undefined;
  const expired = new Promise<never>((_, reject) => {
    onAbort = () => reject(outOfTime(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, expired]);
  } catch (error) {
    if (signal.aborted) throw error instanceof HttpProblem ? error : outOfTime(error);
    throw error;
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    work.catch(() => undefined);
  }
};
