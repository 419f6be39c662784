import { BadRequestError, InternalServerError, RateLimitError } from 'openai';
import { toOpenAiFailure } from '../../lambdas/adapters/openai/openai-errors.js';

/**
 * What the OpenAI chat model adapter throws when OpenAI refuses a streamed chat completion
 * with `status` (429, a 5xx, else a 400) before any token, with the response's `headers`.
 *
 * @example
 * model.failWith(openAiRefusal(429, { 'retry-after': '20' }));
 */
export const openAiRefusal = (status: number, headers: Record<string, string> = {}): Error => {
  const body = { message: 'refused', type: 'error', param: null, code: null };
  const error =
    status === 429
      ? new RateLimitError(429, body, 'Rate limit reached', new Headers(headers))
      : status >= 500
        ? new InternalServerError(status, body, 'Server error', new Headers(headers))
        : new BadRequestError(400, body, 'Bad request', new Headers(headers));
  return toOpenAiFailure(error, 'chat stream') as Error;
};
