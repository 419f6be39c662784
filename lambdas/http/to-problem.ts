import { $ZodError } from 'zod/v4/core';
import { HttpProblem } from '../core/problem.js';

interface MiddyHttpError {
  statusCode: number;
  message: string;
  expose?: boolean;
  cause?: unknown;
}

const isMiddyHttpError = (error: unknown): error is MiddyHttpError =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as { statusCode?: unknown }).statusCode === 'number' &&
  typeof (error as { message?: unknown }).message === 'string';

/**
 * Turns a zod error (of the classic API or zod/mini) into a 400 problem listing each failing path.
 *
 * @example
 * validationProblem(result.error) // 400, errors: [{ path: 'message', message: 'Too small…' }]
 */
export const validationProblem = (error: $ZodError, where = 'body'): HttpProblem =>
  new HttpProblem(400, {
    type: 'urn:problem:validation',
    detail: `The request ${where} is invalid`,
    errors: error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  });

/** What Middy's JSON parser says of a `__proto__` or `constructor.prototype` key (util, 7.x). */
const FORBIDDEN_KEY_MESSAGE = 'Forbidden key in JSON body';

const forbiddenKeyOf = (error: { cause?: unknown }): string => {
  const data = (error.cause as { data?: unknown } | undefined)?.data;
  return typeof data === 'string' ? data : '__proto__';
};

/**
 * Maps anything thrown during a request to the problem the client sees. Our own problems pass
 * through; Middy's HTTP errors (415 from the JSON parser, …) keep their status with a readable
 * detail; malformed JSON, and a reserved key (`__proto__`) in valid JSON, become a 400; everything else is a 500 with no internals exposed.
 */
export const toProblem = (error: unknown): HttpProblem => {
  if (error instanceof HttpProblem) return error;
  if (error instanceof $ZodError) return validationProblem(error);
  if (isMiddyHttpError(error) && error.statusCode < 500) {
    if (error.statusCode === 422 && error.message === FORBIDDEN_KEY_MESSAGE) {
      return new HttpProblem(400, {
        detail: `The request body uses a reserved key (${forbiddenKeyOf(error)}) as a name`,
      });
    }
    if (error.statusCode === 422 && /JSON/i.test(error.message)) {
      return new HttpProblem(400, {
        type: 'urn:problem:malformed-json',
        detail: 'The request body is not valid JSON',
      });
    }
    if (error.statusCode === 415) {
      return new HttpProblem(415, { detail: 'This route accepts application/json only' });
    }
    return new HttpProblem(error.statusCode, { detail: error.message });
  }
  return new HttpProblem(500, { detail: 'An unexpected error occurred' });
};
