/**
 * OpenAI's size limits on one `POST /embeddings` request, checked as OpenAI checks them: with
 * the real tokenizer (js-tiktoken, cl100k_base, the one of text-embedding-3-*), for the stand-in
 * and the tests that need a provider which refuses what OpenAI refuses.
 */
import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';

/** Tokens one input may hold. */
export const MAX_INPUT_TOKENS = 8_192;
/** Tokens the inputs of one request may hold together. */
export const MAX_REQUEST_TOKENS = 300_000;

let tokenizer: Tiktoken | undefined;
/** Counts of texts already tokenized: a bench sends the same chunks run after run. */
const counted = new Map<string, number>();

/**
 * The cl100k_base token count of `text` (the tokenizer loads on first use, about half a second).
 *
 * @example
 * cl100kTokens('path parameters'); // 2
 */
export const cl100kTokens = (text: string): number => {
  let count = counted.get(text);
  if (count === undefined) {
    tokenizer ??= new Tiktoken(cl100k);
    count = tokenizer.encode(text).length;
    if (counted.size > 50_000) counted.clear();
    counted.set(text, count);
  }
  return count;
};

/** An error body as OpenAI sends it. */
export interface OpenAiRefusal {
  message: string;
  type: string;
  code: string | null;
}

/**
 * Why OpenAI would refuse these inputs for their size, worded as it words it, or `undefined`.
 * Only what could be over is tokenized: a token covers at least one byte.
 *
 * @example
 * embeddingSizeRefusal(['1,2,3\n'.repeat(200_000)]); // { message: "This model's maximum context length is 8192 tokens…", … }
 */
export const embeddingSizeRefusal = (inputs: readonly string[]): OpenAiRefusal | undefined => {
  const bytes = inputs.map((input) => Buffer.byteLength(input));
  let longest = 0;
  for (const [index, input] of inputs.entries()) {
    if (bytes[index]! > MAX_INPUT_TOKENS) longest = Math.max(longest, cl100kTokens(input));
  }
  if (longest > MAX_INPUT_TOKENS) {
    return {
      message: `This model's maximum context length is ${MAX_INPUT_TOKENS} tokens, however you requested ${longest} tokens (${longest} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
      type: 'invalid_request_error',
      code: null,
    };
  }
  if (bytes.reduce((sum, size) => sum + size, 0) <= MAX_REQUEST_TOKENS) return undefined;
  const total = inputs.reduce((sum, input) => sum + cl100kTokens(input), 0);
  if (total <= MAX_REQUEST_TOKENS) return undefined;
  return {
    message: `Requested ${total} tokens, max ${MAX_REQUEST_TOKENS} tokens per request`,
    type: 'max_tokens_per_request',
    code: 'max_tokens_per_request',
  };
};
