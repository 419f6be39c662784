import { describe, expect, it } from 'vitest';
import {
  GraphemeClusters,
  joinsPrevious,
  surelyBetweenClusters,
} from '../../../../lambdas/core/text/grapheme-cluster.js';

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });
/**
 * The pairs of characters the segmenter joins into one cluster, segmented as one text (a
 * segment() call per pair takes seconds): each pair after a line feed, which no rule joins to
 * what follows, and which, as no character precedes a text, leaves nothing to join before.
 */
const joinedBySegmenter = (pairs: string[]): string[] => {
  const text = pairs.map((pair) => `\n${pair}`).join('');
  const boundaries = new Set(Array.from(graphemes.segment(text), (part) => part.index));
  return pairs.filter((_, position) => !boundaries.has(position * 3 + 2));
};

const BMP_CODE_UNITS = Array.from({ length: 0x10000 }, (_, code) => code).filter(
  (code) => code < 0xd800 || code > 0xdfff,
);
const NEIGHBOURS = ['a', '\r', 'é', 'ก', '\u0e48', '路', 'カ', '한', '\u1100', '\u200d', '\u0301'];

describe('GraphemeClusters', () => {
  it('finds the whole cluster of a code unit inside an emoji with a skin tone', () => {
    expect(new GraphemeClusters('ab👍🏽c').at(4)).toEqual({ start: 2, end: 6 });
  });

  it('pairs the regional indicators of a run of flags from its start', () => {
    const clusters = new GraphemeClusters('🇯🇵🇫🇷🇩🇪');

    expect([2, 6, 10].map((index) => clusters.at(index))).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 8, end: 12 },
    ]);
  });

  it('refuses an index before one it was asked about, as a cursor that reads forward', () => {
    const clusters = new GraphemeClusters('abc👍🏽');
    clusters.at(3);

    expect(() => clusters.at(1)).toThrow(RangeError);
  });
});

describe('surelyBetweenClusters', () => {
  it('claims a boundary only where the segmenter finds one, whatever precedes', () => {
    const claimed = NEIGHBOURS.flatMap((after) =>
      BMP_CODE_UNITS.map((code) => `${String.fromCharCode(code)}${after}`),
    ).filter((pair) => surelyBetweenClusters(pair, 1));

    expect(joinedBySegmenter(claimed)).toEqual([]);
  });

  it('claims a boundary only where the segmenter finds one, whatever follows', () => {
    const claimed = NEIGHBOURS.flatMap((before) =>
      BMP_CODE_UNITS.map((code) => `${before}${String.fromCharCode(code)}`),
    ).filter((pair) => surelyBetweenClusters(pair, 1));

    expect(joinedBySegmenter(claimed)).toEqual([]);
  });

  it('decides without segmenting between letters of Latin, Chinese, kana, Hangul and Thai', () => {
    for (const text of ['ab', 'a路', '路径', 'カナ', '한국', 'ไท', '\u0e48ก']) {
      expect(surelyBetweenClusters(text, 1), text).toBe(true);
    }
  });

  it('finds the segmenter joining pairs when they join (the check above can fail)', () => {
    expect(joinedBySegmenter(['ab', 'e\u0301', '\u1100한', '\r\n'])).toEqual([
      'e\u0301',
      '\u1100한',
      '\r\n',
    ]);
  });

  it('leaves to the segmenter an accent, a joiner, a jamo, a surrogate pair and CR LF', () => {
    for (const text of ['e\u0301', 'a\u200d', '\u200d路', '\u1100한', '👍a', 'a👍', '\r\n']) {
      expect(surelyBetweenClusters(text, 1), JSON.stringify(text)).toBe(false);
    }
  });
});

describe('joinsPrevious', () => {
  it('is true for every character the segmenter joins to a space before it', () => {
    const codePoints = [...BMP_CODE_UNITS, 0x1f3fb, 0x1f3ff, 0xe0020, 0xe0100];
    const pairs = codePoints.map((code) => ` ${String.fromCodePoint(code)}`);
    const joined = pairs.filter((pair) => graphemes.segment(pair).containing(1)?.index === 0);

    expect(joined.filter((pair) => !joinsPrevious(pair, 1))).toEqual([]);
  });

  it('is false for letters, digits, CJK and spaces after a space', () => {
    for (const text of [' a', ' 7', ' 路', ' ก', '  ', ' 👍']) {
      expect(joinsPrevious(text, 1), JSON.stringify(text)).toBe(false);
    }
  });
});
