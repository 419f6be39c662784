import { tokenWeight, unitWeight } from '../text/estimate-tokens.js';
import { isWhitespaceCode } from '../text/whitespace.js';
import { runSteps, type Steps } from '../text/work-steps.js';

/**
 * Estimated tokens of one piece of text (a word with its trailing whitespace), by its weight
 * (`tokenWeight`, in quarter tokens): rounded up, and at least one. Summed over the pieces of a
 * text, this bounds `estimateTokens` of that text from above, so windows built from it never
 * exceed their budget.
 */
export const pieceTokens = (pieceWeight: number): number => Math.max(1, Math.ceil(pieceWeight / 4));

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Code units that continue the character before them: marks, joiners, variation selectors. */
const CONTINUES = /\p{M}|\u200D|[\uFE00-\uFE0F]/u;

/**
 * Whether a user-perceived character starts at `index`: a piece ending there leaves no Thai
 * vowel or tone mark, Devanagari vowel sign or emoji joiner without its letter.
 */
const startsCharacter = (text: string, index: number): boolean =>
  !CONTINUES.test(text[index]!) && text.charCodeAt(index - 1) !== 0x200d;

/** Pieces read between two pauses of {@link tokenWindowSteps}. */
const PIECES_PER_STEP = 1_024;

/**
 * Where each piece of a text starts and ends, and its weight: offsets, not strings, so nothing
 * is copied.
 */
interface Pieces {
  starts: Int32Array<ArrayBuffer>;
  ends: Int32Array<ArrayBuffer>;
  weights: Int32Array<ArrayBuffer>;
  count: number;
}

const grown = (array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
};

/**
 * Splits a text into pieces, words with their trailing whitespace, cutting words heavier than
 * the overlap (or than `maxTokens` without one; a run of Chinese has no spaces: it is one word)
 * between user-perceived characters; one pass over the text.
 */
function* pieceSteps(text: string, maxTokens: number, overlapTokens: number): Steps<Pieces> {
  // A word heavier than the overlap (a run of Chinese, which has no spaces, is one "word") is
  // cut into pieces of half the overlap, so that windows can still repeat some of it.
  const pieceLimit = overlapTokens > 0 ? Math.max(1, Math.floor(overlapTokens / 2)) : maxTokens;
  const maxWeight = pieceLimit * 4;
  let starts = new Int32Array(1_024);
  let ends = new Int32Array(1_024);
  let weights = new Int32Array(1_024);
  let count = 0;
  const add = (start: number, end: number, weight: number) => {
    if (count === starts.length) {
      starts = grown(starts);
      ends = grown(ends);
      weights = grown(weights);
    }
    starts[count] = start;
    ends[count] = end;
    weights[count] = weight;
    count += 1;
  };
  let start = 0;
  while (start < text.length && isWhitespaceCode(text.charCodeAt(start))) start += 1;
  while (start < text.length) {
    let wordEnd = start + 1;
    while (wordEnd < text.length && !isWhitespaceCode(text.charCodeAt(wordEnd))) wordEnd += 1;
    let end = wordEnd;
    while (end < text.length && isWhitespaceCode(text.charCodeAt(end))) end += 1;
    const weight = tokenWeight(text, start, end);
    if (pieceTokens(weight) <= Math.max(pieceLimit, overlapTokens)) {
      add(start, end, weight);
    } else {
      let from = start;
      let used = 0;
      // The last place before which a piece may end, and the weight up to it.
      let cuttable = start;
      let usedBefore = 0;
      for (let index = start; index < end; index += 1) {
        const code = text.charCodeAt(index);
        const unit =
          unitWeight(code) + (isHighSurrogate(code) ? unitWeight(text.charCodeAt(index + 1)) : 0);
        if (index > from && startsCharacter(text, index)) {
          cuttable = index;
          usedBefore = used;
        }
        if (used + unit > maxWeight && index > from) {
          // Cut before the character this unit belongs to, or mid-character when one
          // character alone outweighs a piece.
          const at = cuttable > from ? cuttable : index;
          const weight = cuttable > from ? usedBefore : used;
          add(from, at, weight);
          from = at;
          used -= weight;
        }
        used += unit;
        if (isHighSurrogate(code)) index += 1;
      }
      add(from, end, used);
    }
    start = end;
    if (count % PIECES_PER_STEP === 0) yield;
  }
  return { starts, ends, weights, count };
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
  const { starts, ends, weights, count } = yield* pieceSteps(text, maxTokens, overlapTokens);
  const tokens = (piece: number) => pieceTokens(weights[piece]!);
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
