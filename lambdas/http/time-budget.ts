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
 * The 504 problem of a request whose time budget ran out before its answer.
 *
 * @example
 * throw outOfTime(signal.reason);
 */
export const outOfTime = (cause: unknown): HttpProblem =>
  new HttpProblem(504, {
    type: 'urn:problem:time-budget',
    detail: 'The request ran out of time waiting for an upstream dependency',
    cause,
  });

/**
 * Runs work under a time budget: when the budget's signal fires, the work has `graceMs` more
 * to settle, then the answer is 504 saying so, even if the work has not stopped yet (it should
 * honour the signal; what it still does afterwards must be safe to cut, as Lambda freezes the
 * function after the response). The grace lets work that is past the point where it could stop
 * (a turn already answered, being stored) finish and be answered, rather than answered 504 and
 * then stored; it must fit in the budget's margin.
 *
 * @example
 * const signal = timeBudget(context, 1_000);
 * const answer = await withinBudget(signal, answerQuestion.answer({ ...input, signal }), {
 *   graceMs: 500,
 * });
 */
export const withinBudget = async <T>(
  signal: AbortSignal,
  work: Promise<T>,
  options: { graceMs?: number } = {},
): Promise<T> => {
  if (signal.aborted) throw outOfTime(signal.reason);
  let onAbort: (() => void) | undefined;
  let grace: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    onAbort = () => {
      grace = setTimeout(() => reject(outOfTime(signal.reason)), options.graceMs ?? 0);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, expired]);
  } catch (error) {
    if (signal.aborted) throw error instanceof HttpProblem ? error : outOfTime(error);
    throw error;
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    clearTimeout(grace);
    work.catch(() => undefined);
  }
};
