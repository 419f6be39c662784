import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  foldText,
  lexicalTerms,
  stemWord,
} from '../../../../lambdas/core/retrieval/lexical-terms.js';

describe('lexicalTerms', () => {
  it('keeps a code identifier whole and also splits it into its parts', () => {
    expect(lexicalTerms('UploadFile')).toEqual(['uploadfile', 'upload', stemWord('file')]);
    expect(lexicalTerms('upload a file')).toEqual(['upload', stemWord('file')]);
  });

  it('splits snake_case identifiers and acronyms followed by words', () => {
    expect(lexicalTerms('response_model HTTPException')).toEqual([
      'response_model',
      'respons',
      'model',
      'httpexception',
      'http',
      'exception',
    ]);
  });

  it('lower-cases, folds accents and drops stop words and single letters', () => {
    expect(lexicalTerms('How do I use Café parameters? x')).toEqual(['caf', 'parameter']);
  });

  it('reads letters of any script', () => {
    expect(lexicalTerms('Привет мир')).toEqual(['привет', 'мир']);
  });

  it('reads Chinese, which has no spaces, as overlapping pairs of characters', () => {
    expect(lexicalTerms('路径参数')).toEqual(['路径', '径参', '参数']);
    expect(lexicalTerms('把路径参数限制')).toEqual(
      expect.arrayContaining(['路径', '径参', '参数']),
    );
  });

  it('reads a word of another script inside a run of Chinese as a word', () => {
    expect(lexicalTerms('用UploadFile上传')).toEqual([
      '用',
      'uploadfile',
      'upload',
      stemWord('file'),
      '上传',
    ]);
  });

  it('keeps the voicing marks of kana and the syllables of Hangul whole', () => {
    expect(lexicalTerms('パス')).toEqual(['パス']);
    expect(lexicalTerms('ハス')).toEqual(['ハス']);
    expect(lexicalTerms('한국어')).toEqual(['한국', '국어']);
  });

  it('cuts Thai, which has no spaces, into its words', () => {
    const question = new Set(lexicalTerms('ขนาดไฟล์สูงสุดคือเท่าไร'));

    const shared = lexicalTerms('ขนาดไฟล์สูงสุดที่อัปโหลดได้คือสองเมกะไบต์').filter((term) =>
      question.has(term),
    );

    expect(shared).toEqual(expect.arrayContaining(['ขนาด', 'ไฟล์', 'สูงสุด']));
  });

  it('keeps the vowel signs of Devanagari, which are letters, not accents', () => {
    expect(lexicalTerms('काम')).not.toEqual(lexicalTerms('कम'));
  });

  it('meets German ß and ss, and Turkish dotless ı and I', () => {
    expect(lexicalTerms('Straße')).toEqual(lexicalTerms('STRASSE'));
    expect(lexicalTerms('Işık')).toEqual(lexicalTerms('ışık'));
  });

  it('meets plural and inflected forms of a word', () => {
    expect(lexicalTerms('queries declared')).toEqual(lexicalTerms('query declare'));
  });
});

/** foldText as it was first written: the whole text normalized, marks dropped, as one piece. */
const foldWhole = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/(\P{M})\p{M}+/gu, (marked: string, base: string) =>
      /\p{L}/u.test(base) && !/[\p{scx=Latin}\p{scx=Greek}\p{scx=Cyrillic}]/u.test(base)
        ? marked
        : base,
    )
    .normalize('NFC')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .replace(/['\u2019]/g, '');

/** Pieces that folding treats differently: marks alone, on ASCII and on other scripts, kana, jamo, ligatures. */
const PIECES = [
  'e',
  'E',
  'a',
  '1',
  ' ',
  '_',
  "'",
  '.',
  '\u0301',
  '\u0308',
  '\u093e',
  '\u3099',
  '\u1100',
  '\u1161',
  '\u11a8',
  'é',
  'ß',
  'ı',
  'ﬁ',
  '½',
  '①',
  'Å',
  '\u2019',
  'カ',
  'ｶ',
  'ﾞ',
  'ก',
  '\u0e49',
  'क',
  '🌐',
  '⬆️',
  '\ud83d',
  'Ω',
  'ά',
];

describe('foldText', () => {
  it('folds a text as folding it whole would, though it folds only what lies outside ASCII', () => {
    const texts = fc.oneof(
      fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((pieces) => pieces.join('')),
      fc.string({ unit: 'grapheme-composite', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
    );
    fc.assert(
      fc.property(texts, (text) => {
        expect(foldText(text)).toBe(foldWhole(text));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('stemWord', () => {
  it('folds plurals, -ed and -ing endings', () => {
    expect(stemWord('parameters')).toBe('parameter');
    expect(stemWord('declared')).toBe(stemWord('declare'));
    expect(stemWord('streaming')).toBe('stream');
  });

  it('leaves short words and words with digits alone', () => {
    expect(stemWord('has')).toBe('has');
    expect(stemWord('http2s')).toBe('http2s');
  });
});
