import { tokenWeight } from '../text/estimate-tokens.js';
import {
  type ClusterSpan,
  GraphemeClusters,
  joinsPrevious,
  surelyBetweenClusters,
} from '../text/grapheme-cluster.js';
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

/**
 * How far back from where a piece must end a boundary that needs no segmenting is looked for:
 * further than a Thai syllable's marks, not so far that pieces come out much shorter.
 */
const SURE_CUT_LOOK_BACK = 8;

/**
 * Where a piece of a long run without spaces, starting at `from`, ends when the code point at
 * `index` would take it past its weight: at a grapheme cluster boundary, so no cut leaves half
 * an emoji sequence or a flag, a letter without its accents, a Hangul syllable without its
 * final jamo, or a Devanagari conjunct in two. The last place just before that needs no
 * segmenter (between characters that never combine: URLs, base64, Chinese, Japanese, Korean,
 * Thai letters) is taken as it is; otherwise the cut falls before the cluster of the code
 * point at `index` (`clusterAt`). A cluster that alone outweighs a piece is a piece of its own
 * when it fits `windowWeight`, and is otherwise cut between code points.
 */
const pieceEnd = (
  text: string,
  from: number,
  index: number,
  clusterAt: (index: number) => ClusterSpan,
  windowWeight: number,
): number => {
  for (let at = index; at > Math.max(from, index - SURE_CUT_LOOK_BACK); at -= 1) {
    if (surelyBetweenClusters(text, at)) return at;
  }
  const cluster = clusterAt(index);
  if (cluster.start > from) return cluster.start;
  // The piece so far is in one cluster: it ends where the cluster does, if a window holds it.
  const fits =
    cluster.end - from <= windowWeight && tokenWeight(text, from, cluster.end) <= windowWeight;
  return fits ? cluster.end : index;
};

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
 * between user-perceived characters (see {@link pieceEnd}); one pass over the text.
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
  // A mark written on a space (an accent shown alone) starts the next piece with its space.
  if (start > 0 && joinsPrevious(text, start)) start -= 1;
  while (start < text.length) {
    let wordEnd = start + 1;
    while (wordEnd < text.length && !isWhitespaceCode(text.charCodeAt(wordEnd))) wordEnd += 1;
    let end = wordEnd;
    while (end < text.length && isWhitespaceCode(text.charCodeAt(end))) end += 1;
    if (end > wordEnd && joinsPrevious(text, end)) end -= 1;
    const weight = tokenWeight(text, start, end);
    if (pieceTokens(weight) <= Math.max(pieceLimit, overlapTokens)) {
      add(start, end, weight);
    } else {
      let from = start;
      let used = 0;
      let index = start;
      // Segmented only when a cut needs it, and only this run, read forward once.
      const clusters = new GraphemeClusters(text.slice(start, end));
      const runStart = start;
      const clusterAt = (at: number): ClusterSpan => {
        const cluster = clusters.at(at - runStart);
        return { start: runStart + cluster.start, end: runStart + cluster.end };
      };
      while (index < end) {
        const width = isHighSurrogate(text.charCodeAt(index)) && index + 1 < end ? 2 : 1;
        const unit = tokenWeight(text, index, index + width);
        if (used + unit > maxWeight && index > from) {
          const at = pieceEnd(text, from, index, clusterAt, maxTokens * 4);
          const weight =
            at <= index ? used - tokenWeight(text, at, index) : tokenWeight(text, from, at);
          add(from, at, weight);
          from = at;
          if (at > index) {
            index = at;
            used = 0;
            continue;
          }
          used -= weight;
        }
        used += unit;
        index += width;
      }
      if (from < end) add(from, end, used);
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
 * context. Cuts fall between words (a single word longer than a window, such as a URL or a
 * run of Chinese, is cut inside, between user-perceived characters), and the original
 * whitespace, line breaks included, is kept inside each window.
 *
 * @example
 * tokenWindows('a b c d e', 3, 1) // ['a b c', 'c d e']
 */
export const tokenWindows = (text: string, maxTokens: number, overlapTokens: number): string[] =>
  runSteps(tokenWindowSteps(text, maxTokens, overlapTokens));
