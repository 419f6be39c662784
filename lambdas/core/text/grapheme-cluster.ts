import { segmenterOnFirstUse } from './segmenter-on-first-use.js';

const graphemes = segmenterOnFirstUse('grapheme');

/** Where a grapheme cluster (a user-perceived character) starts and ends in a text. */
export interface ClusterSpan {
  start: number;
  end: number;
}

/**
 * The grapheme clusters of a text, read forward as a cursor (`Intl.Segmenter`): asked about
 * indexes that never decrease, it reads each cluster once, so the cost over a whole text is
 * linear, however long its clusters or its runs of flags (asked at random, the segmenter goes
 * back to the start of either, every time). The segmenter starts on the first question.
 *
 * @example
 * new GraphemeClusters('ab👍🏽c').at(4); // { start: 2, end: 6 }: the skin tone belongs to the thumb
 */
export class GraphemeClusters {
  #clusters: Iterator<Intl.SegmentData> | undefined;
  #current: ClusterSpan = { start: 0, end: 0 };

  constructor(private readonly text: string) {}

  /**
   * The cluster that holds the code unit at `index`.
   *
   * @throws RangeError for an index outside the text, or before one asked earlier.
   */
  at(index: number): ClusterSpan {
    if (index < this.#current.start) {
      throw new RangeError(`index ${index} is before the cluster at ${this.#current.start}`);
    }
    this.#clusters ??= graphemes().segment(this.text)[Symbol.iterator]();
    while (this.#current.end <= index) {
      const next = this.#clusters.next();
      if (next.done) throw new RangeError(`index ${index} is outside the text`);
      const { index: start, segment } = next.value;
      this.#current = { start, end: start + segment.length };
    }
    return this.#current;
  }
}

/**
 * Code units that never join the character before them into one cluster, nor (but Thai marks,
 * see {@link endsCluster}) the next one: printable ASCII and Latin-1 up to the combining
 * accents (no CR before an LF), Thai letters and signs that are not marks, kana, CJK ideographs
 * and punctuation, precomposed Hangul syllables, fullwidth forms. Each is a cluster of its own
 * (Unicode's `Other` or `Control`, no conjunct-forming class), and none is a prefix, a joiner
 * or a jamo.
 */
const standsAlone = (code: number): boolean =>
  (code >= 0x20 && code < 0x300) ||
  (code >= 0x0e01 && code <= 0x0e30) ||
  code === 0x0e32 ||
  (code >= 0x0e3f && code <= 0x0e46) ||
  (code >= 0x0e4f && code <= 0x0e5b) ||
  (code >= 0x3001 && code <= 0x3029) ||
  (code >= 0x3041 && code <= 0x3096) ||
  (code >= 0x30a1 && code <= 0x30fa) ||
  (code >= 0x3400 && code <= 0x4dbf) ||
  (code >= 0x4e00 && code <= 0x9fff) ||
  (code >= 0xac00 && code <= 0xd7a3) ||
  (code >= 0xff01 && code <= 0xff5e);

/** Code units after which a cluster ends unless the next one extends it: {@link standsAlone}, and Thai's marks. */
const endsCluster = (code: number): boolean =>
  standsAlone(code) || (code >= 0x0e31 && code <= 0x0e4e);

/**
 * Whether `text` surely has a grapheme cluster boundary at `index`, decided from the code units
 * on either side alone, without segmenting: true between the characters of Latin, CJK, kana,
 * Hangul syllables and Thai that never combine; false means only "ask the segmenter"
 * ({@link GraphemeClusters}), as for emoji, combining accents and Indic scripts.
 *
 * @example
 * surelyBetweenClusters('路径', 1); // true
 * surelyBetweenClusters('e\u0301', 1); // false: the accent belongs to the e
 */
export const surelyBetweenClusters = (text: string, index: number): boolean =>
  standsAlone(text.charCodeAt(index)) && endsCluster(text.charCodeAt(index - 1));

/**
 * Characters that join the one before them, whatever it is: Unicode's Extend, SpacingMark
 * (Thai and Lao AM are letters but spacing marks) and the zero-width joiner.
 */
const JOINS_PREVIOUS = /[\p{Grapheme_Extend}\p{Emoji_Modifier}\p{Mc}\u0e33\u0eb3]|\u200d/uy;

const UNKNOWN = 0;
const STANDS = 1;
const JOINS = 2;
/** {@link JOINS_PREVIOUS} of each BMP code unit, as first read: one test per word is a lookup. */
const JOINS_BY_UNIT = new Uint8Array(0x10000);

/**
 * Whether the character at `index` belongs to the cluster of the one before it even when that
 * one is a space: an accent, a vowel sign, a joiner, a skin tone written after a space is shown
 * on it. Errs towards true (every spacing mark), never false for such a character.
 *
 * @example
 * joinsPrevious('a \u0301', 2); // true
 * joinsPrevious('a b', 2); // false
 */
export const joinsPrevious = (text: string, index: number): boolean => {
  const code = text.charCodeAt(index);
  if (code < 0x300) return false;
  const known = code < 0xd800 || code > 0xdfff ? JOINS_BY_UNIT[code]! : UNKNOWN;
  if (known !== UNKNOWN) return known === JOINS;
  JOINS_PREVIOUS.lastIndex = index;
  const joins = JOINS_PREVIOUS.test(text);
  if (code < 0xd800 || code > 0xdfff) JOINS_BY_UNIT[code] = joins ? JOINS : STANDS;
  return joins;
};
