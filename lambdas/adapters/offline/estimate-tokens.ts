/**
 * A rough token count for usage reports of the offline provider: about four characters a
 * token, as for English with OpenAI's tokenizers.
 *
 * @example
 * estimateTokens('What are path parameters?'); // 7
 */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);
