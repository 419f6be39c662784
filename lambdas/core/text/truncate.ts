import { surelyBetweenClusters } from './grapheme-cluster.js';
import { segmenterOnFirstUse } from './segmenter-on-first-use.js';

const graphemes = segmenterOnFirstUse('grapheme');

/** How far before a cut a grapheme cluster may start: a family emoji is 11 code units. */
const LOOK_BACK = 64;

/** What the segmenter must see past the cut to know whether it is a boundary (a whole code point, the next joiner). */
const LOOK_AHEAD = 16;

/**
 * The text up to the last boundary between user-perceived characters (grapheme clusters) at
 * or before `maxUnits` UTF-16 code units: a cut never leaves half of an emoji (`\ud83d`), a
 * family emoji's or a flag's parts, or a Hindi consonant without its vowel sign. A cluster
 * longer than the look-back is cut at a code point.
 *
 * @example
 * truncate('ab😀', 3); // 'ab'
 * truncate('ab😀', 4); // 'ab😀'
 * truncate('का', 1); // ''
 */
export const truncate = (text: string, maxUnits: number): string => {
  if (text.length <= maxUnits) return text;
  if (maxUnits <= 0) return '';
  // Between characters that never combine (Latin, CJK, kana…) the cut needs no segmenter.
  if (surelyBetweenClusters(text, maxUnits)) return text.slice(0, maxUnits);
  const lookBack = Math.max(0, maxUnits - LOOK_BACK);
  // Segmenting starts on a boundary: from inside a run of flags, it would pair them wrongly.
  let from = lookBack;
  while (from > 0 && !surelyBetweenClusters(text, from)) from -= 1;
  let cut = from;
  for (const { index } of graphemes().segment(text.slice(from, maxUnits + LOOK_AHEAD))) {
    if (from + index > maxUnits) break;
    cut = from + index;
  }
  if (cut > lookBack || lookBack === 0) return text.slice(0, cut);
  const last = text.charCodeAt(maxUnits - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? maxUnits - 1 : maxUnits);
};
