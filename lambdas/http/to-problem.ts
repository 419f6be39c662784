import { $ZodError } from 'zod/v4/core';
import { HttpProblem } from '../core/problem.js';

interface MiddyHttpError {
  statusCode: number;
  message: string;
  expose?: boolean;
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

/**
 * Maps anything thrown during a request to the problem the client sees. Our own problems pass
 * through; Middy's HTTP errors (415 from the JSON parser, …) keep their status with a readable
 * detail; malformed JSON becomes a 400; everything else is a 500 with no internals exposed.
 */
export const toProblem = (error: unknown): HttpProblem => {
  if (error instanceof HttpProblem) return error;
  if (error instanceof $ZodError) return validationProblem(error);
  if (isMiddyHttpError(error) && error.statusCode < 500) {
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
