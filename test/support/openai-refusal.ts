import { BadRequestError, InternalServerError, RateLimitError } from 'openai';
import { toOpenAiFailure } from '../../lambdas/adapters/openai/openai-errors.js';

/**
 * What an OpenAI adapter throws when OpenAI refuses its `operation` (default a streamed chat
 * completion, before any token) with `status` (429, a 5xx, else a 400) and the response's
 * `headers`, after the SDK's retries.
 *
 * @example
 * model.failWith(openAiRefusal(429, { 'retry-after': '20' }));
 * embedder.failures.push(openAiRefusal(429, { 'retry-after-ms': '7000' }, 'embeddings'));
 */
export const openAiRefusal = (
  status: number,
  headers: Record<string, string> = {},
  operation = 'chat stream',
): Error => {
  const body = { message: 'refused', type: 'error', param: null, code: null };
  const error =
    status === 429
      ? new RateLimitError(429, body, 'Rate limit reached', new Headers(headers))
      : status >= 500
        ? new InternalServerError(status, body, 'Server error', new Headers(headers))
        : new BadRequestError(400, body, 'Bad request', new Headers(headers));
  return toOpenAiFailure(error, operation) as Error;
};
