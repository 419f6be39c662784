/**
 * Estimated tokens of one piece of text (a word with its trailing whitespace): a quarter of
 * its characters, rounded up, and at least one. Summed over the pieces of a text, this bounds
 * `estimateTokens` of that text from above, so windows built from it never exceed their budget.
 */
export const pieceTokens = (piece: string): number => Math.max(1, Math.ceil(piece.length / 4));

/** Splits a text into words with their trailing whitespace, cutting words longer than `maxTokens`. */
const piecesOf = (text: string, maxTokens: number): string[] => {
  const maxChars = maxTokens * 4;
  const pieces: string[] = [];
  for (const piece of text.match(/\S+\s*/g) ?? []) {
    if (pieceTokens(piece) <= maxTokens) {
      pieces.push(piece);
      continue;
    }
    for (let start = 0; start < piece.length; start += maxChars) {
      pieces.push(piece.slice(start, start + maxChars));
    }
  }
  return pieces;
};

/**
 * Cuts a text into windows of at most `maxTokens` estimated tokens, each repeating about the
 * last `overlapTokens` of the previous one so that a sentence cut at a boundary keeps its
 * context. Cuts fall between words (a single word longer than a window is cut inside), and
 * the original whitespace, line breaks included, is kept inside each window.
 *
 * @example
 * tokenWindows('a b c d e', 3, 1) // ['a b c', 'c d e']
 */
export const tokenWindows = (text: string, maxTokens: number, overlapTokens: number): string[] => {
  const pieces = piecesOf(text, maxTokens);
  const tokens = pieces.map(pieceTokens);
  const windows: string[] = [];
  let start = 0;
  while (start < pieces.length) {
    let end = start;
    let used = 0;
    while (end < pieces.length && used + tokens[end]! <= maxTokens) {
      used += tokens[end]!;
      end += 1;
    }
    windows.push(pieces.slice(start, end).join('').trimEnd());
    if (end >= pieces.length) break;
    let next = end;
    let overlap = 0;
    // Step back over the overlap, but never so far that the next window adds nothing new.
    while (
      next > start + 1 &&
      overlap + tokens[next - 1]! <= overlapTokens &&
      overlap + tokens[next - 1]! + tokens[end]! <= maxTokens
    ) {
      overlap += tokens[next - 1]!;
      next -= 1;
    }
    start = next;
  }
  return windows;
};
