import { APIError } from 'openai';

/**
 * The tokens a refused embedding request held, when the provider refused it for holding more
 * than one request may: OpenAI answers `400` with `code: 'max_tokens_per_request'` and the
 * message `Requested 453357 tokens, max 300000 tokens per request`. `Infinity` when the refusal
 * names no count; `undefined` for any other failure.
 *
 * @example
 * tokensPerRequestRefusal(error); // 453357
 */
export const tokensPerRequestRefusal = (error: unknown): number | undefined => {
  if (!(error instanceof APIError) || error.status !== 400) return undefined;
  if (error.code !== 'max_tokens_per_request' && !/tokens per request/i.test(error.message)) {
    return undefined;
  }
  const requested = /requested (\d+) tokens/i.exec(error.message);
  return requested ? Number(requested[1]) : Number.POSITIVE_INFINITY;
};
