/**
 * A deliberately pessimistic token estimate for budgeting a request: one token per three UTF-8
 * bytes. English averages about four characters per token and CJK text about one token per
 * character (three bytes), so the estimate stays at or above the real count for both.
 *
 * @example
 * upperBoundTokens('path parameters'); // 5
 */
export const upperBoundTokens = (text: string): number =>
  Math.max(1, Math.ceil(Buffer.byteLength(text, 'utf8') / 3));
