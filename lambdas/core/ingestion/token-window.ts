import { isWhitespaceCode } from '../text/whitespace.js';
import { runSteps, type Steps } from '../text/work-steps.js';

/**
 * Estimated tokens of one piece of text (a word with its trailing whitespace), by its length: a
 * quarter of its characters, rounded up, and at least one. Summed over the pieces of a text, this bounds
 * `estimateTokens` of that text from above, so windows built from it never exceed their budget.
 */
export const pieceTokens = (pieceLength: number): number => Math.max(1, Math.ceil(pieceLength / 4));

/** Pieces read between two pauses of {@link tokenWindowSteps}. */
const PIECES_PER_STEP = 1_024;

/** Where each piece of a text starts and ends: offsets, not strings, so nothing is copied. */
interface Pieces {
  starts: Int32Array<ArrayBuffer>;
  ends: Int32Array<ArrayBuffer>;
  count: number;
}

const grown = (array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
};

/**
 * Splits a text into pieces, words with their trailing whitespace, cutting words longer than
 * `maxTokens`; one pass over the text.
 */
function* pieceSteps(text: string, maxTokens: number): Steps<Pieces> {
  const maxChars = maxTokens * 4;
  let starts = new Int32Array(1_024);
  let ends = new Int32Array(1_024);
  let count = 0;
  const add = (start: number, end: number) => {
    if (count === starts.length) {
      starts = grown(starts);
      ends = grown(ends);
    }
    starts[count] = start;
    ends[count] = end;
    count += 1;
  };
  let start = 0;
  while (start < text.length && isWhitespaceCode(text.charCodeAt(start))) start += 1;
  while (start < text.length) {
    let wordEnd = start + 1;
    while (wordEnd < text.length && !isWhitespaceCode(text.charCodeAt(wordEnd))) wordEnd += 1;
    let end = wordEnd;
    while (end < text.length && isWhitespaceCode(text.charCodeAt(end))) end += 1;
    if (pieceTokens(end - start) <= maxTokens) {
      add(start, end);
    } else {
      for (let from = start; from < end; from += maxChars)
        add(from, Math.min(end, from + maxChars));
    }
    start = end;
    if (count % PIECES_PER_STEP === 0) yield;
  }
  return { starts, ends, count };
}

/**
 * {@link tokenWindows} as pausable {@link Steps}: it pauses every thousand words and after
 * every window, so that a budget can bound it and other work can run between its slices.
 */
export function* tokenWindowSteps(
  text: string,
  maxTokens: number,
  overlapTokens: number,
): Steps<string[]> {
  const { starts, ends, count } = yield* pieceSteps(text, maxTokens);
  const tokens = (piece: number) => pieceTokens(ends[piece]! - starts[piece]!);
  const windows: string[] = [];
  let start = 0;
  while (start < count) {
    let end = start;
    let used = 0;
    while (end < count && used + tokens(end) <= maxTokens) {
      used += tokens(end);
      end += 1;
    }
    // Pieces are contiguous: the window is the text from the first piece to the last.
    windows.push(text.slice(starts[start], ends[end - 1]).trimEnd());
    yield;
    if (end >= count) break;
    let next = end;
    let overlap = 0;
    // Step back over the overlap, but never so far that the next window adds nothing new.
    while (
      next > start + 1 &&
      overlap + tokens(next - 1) <= overlapTokens &&
      overlap + tokens(next - 1) + tokens(end) <= maxTokens
    ) {
      overlap += tokens(next - 1);
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
