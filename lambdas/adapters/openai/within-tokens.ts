/**
 * The longest start of `text` of at most `maxTokens` UTF-8 bytes, cut between characters: a
 * start that holds `maxTokens` tokens whatever the text, since every token of OpenAI's
 * byte-level tokenizers covers at least one byte.
 *
 * @example
 * withinTokens('día', 2); // 'd'
 */
export const withinTokens = (text: string, maxTokens: number): string => {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxTokens) return text;
  // A character cut at the end is left out (`stream: true` keeps its first bytes pending).
  return new TextDecoder('utf-8').decode(bytes.subarray(0, maxTokens), { stream: true });
};
