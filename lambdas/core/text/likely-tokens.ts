import { utf8Length } from './utf8-length.js';

/**
 * A token count to pack embedding requests by: one token per three UTF-8 bytes, rounded up.
 * English prose and Markdown take about four bytes a token and code about three, so a request
 * packed to the provider's limit by this count holds; digits, numeric tables and some scripts
 * take more tokens per byte, and the request that goes over is refused, and then split by the
 * count the provider names (`OpenAiEmbedder`). Packing by the upper bound (a token per byte)
 * instead sent three to four times the requests a corpus needs.
 *
 * @example
 * likelyTokens('path parameters'); // 5
 */
export const likelyTokens = (text: string): number => Math.max(1, Math.ceil(utf8Length(text) / 3));
