import { isWhitespaceCode } from '../text/whitespace.js';
import { runSteps, type Steps } from '../text/work-steps.js';

/**
 * Estimated tokens of one piece of text (a word with its trailing whitespace): a quarter of
 * its characters, rounded up, and at least one. Summed over the pieces of a text, this bounds
 * `estimateTokens` of that text from above, so windows built from it never exceed their budget.
 */
export const pieceTokens = (piece: string): number => Math.max(1, Math.ceil(piece.length / 4));

/** Pieces read between two pauses of {@link tokenWindowSteps}. */
const PIECES_PER_STEP = 1_024;

/** Splits a text into words with their trailing whitespace, cutting words longer than `maxTokens`. */
function* pieceSteps(text: string, maxTokens: number): Steps<string[]> {
  const maxChars = maxTokens * 4;
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length && isWhitespaceCode(text.charCodeAt(start))) start += 1;
  while (start < text.length) {
    let wordEnd = start + 1;
    while (wordEnd < text.length && !isWhitespaceCode(text.charCodeAt(wordEnd))) wordEnd += 1;
    let end = wordEnd;
    while (end < text.length && isWhitespaceCode(text.charCodeAt(end))) end += 1;
    const piece = text.slice(start, end);
    if (pieceTokens(piece) <= maxTokens) {
      pieces.push(piece);
    } else {
      for (let from = 0; from < piece.length; from += maxChars) {
        pieces.push(piece.slice(from, from + maxChars));
      }
    }
    start = end;
    if (pieces.length % PIECES_PER_STEP === 0) yield;
  }
  return pieces;
}

/**
 * {@link tokenWindows} as pausable {@link Steps}: it pauses every few thousand words and after
 * every window, so that a budget can bound it and other work can run between its slices.
 */
export function* tokenWindowSteps(
  text: string,
  maxTokens: number,
  overlapTokens: number,
): Steps<string[]> {
  const pieces = yield* pieceSteps(text, maxTokens);
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
    yield;
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
}

/**
 * Cuts a text into windows of at most `maxTokens` estimated tokens, each repeating about the
 * last `overlapTokens` of the previous one so that a sentence cut at a boundary keeps its
 * context. Cuts fall between words (a single word longer than a window is cut inside), and
 * the original whitespace, line breaks included, is kept inside each window.
 *
 * @example
 * tokenWindows('a b c d e', 3, 1) // ['a b c', 'c d e']
 */
export const tokenWindows = (text: string, maxTokens: number, overlapTokens: number): string[] =>
  runSteps(tokenWindowSteps(text, maxTokens, overlapTokens));
