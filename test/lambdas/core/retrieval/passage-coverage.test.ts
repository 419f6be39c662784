import { describe, expect, it } from 'vitest';
import type { ScoredChunk } from '../../../../lambdas/core/ports/vector-store.js';
import {
  measureCoverage,
  questionNames,
} from '../../../../lambdas/core/retrieval/passage-coverage.js';

/** The figures alone of {@link measureCoverage}. */
const questionCoverage = (...args: Parameters<typeof measureCoverage>) =>
  measureCoverage(...args).coverage;

const chunk = (text: string): ScoredChunk => ({
  documentId: 'd',
  title: 'docs.md',
  chunkIndex: 0,
  text,
  score: 1,
  denseScore: 0.5,
});

const passages = [
  chunk('Path parameters are declared with Python format strings.'),
  chunk('Query parameters are the other function parameters.'),
  chunk('Cookies are read with Cookie.'),
];

describe('measureCoverage: the figures', () => {
  it('is complete when a cited passage holds every word of the question', () => {
    expect(questionCoverage('declare path parameters', passages, 3)).toEqual({
      best: 1,
      vocabulary: 1,
      namesCited: 1,
      namesKnown: 1,
      closeness: 0.5,
    });
  });

  it('is low when the question is about words the passages do not know', () => {
    const coverage = questionCoverage('bake sourdough bread parameters', passages, 3);

    expect(coverage.vocabulary).toBe(0.25);
    expect(coverage.best).toBeLessThan(0.25);
  });

  it('does not count the words that only say how the question asks ("tell me about…")', () => {
    for (const question of [
      'Tell me about path parameters',
      'Explain path parameters',
      'Describe path parameters',
    ]) {
      expect(questionCoverage(question, passages, 3)).toMatchObject({ best: 1, vocabulary: 1 });
    }
  });

  it('still judges a question made of such words alone by them', () => {
    expect(questionCoverage('Explain', passages, 3).vocabulary).toBe(0);
  });

  it('counts a missing rare word more than a missing common one', () => {
    const common = chunk('Parameters, parameters.');
    const rare = chunk('Cookies.');
    const other = chunk('More parameters.');

    const missingRare = questionCoverage('parameters cookie', [common, rare, other], 1);
    const missingCommon = questionCoverage('parameters cookie', [rare, common, other], 1);

    expect(missingRare.best).toBeLessThan(0.5);
    expect(missingCommon.best).toBeGreaterThan(0.5);
  });

  it('is zero without passages or without content words', () => {
    const none = { best: 0, vocabulary: 0, namesCited: 0, namesKnown: 0, closeness: -1 };

    expect(questionCoverage('path', [], 5)).toEqual(none);
    expect(questionCoverage('how do I?', passages, 5)).toEqual(none);
  });

  it("measures closeness as the best candidate's cosine with the question", () => {
    const closer = { ...chunk('Path parameters.'), denseScore: 0.7 };
    const lexicalOnly = { ...chunk('Path.'), denseScore: undefined };

    expect(
      questionCoverage('path parameters', [lexicalOnly, ...passages, closer], 1).closeness,
    ).toBe(0.7);
  });

  it('takes closeness as -1 when no candidate was ranked by meaning, and 1 for a lexical query', () => {
    const lexicalOnly = [{ ...chunk('Path parameters.'), denseScore: undefined }];

    expect(questionCoverage('path parameters', lexicalOnly, 1).closeness).toBe(-1);
    expect(
      questionCoverage('path parameters', lexicalOnly, 1, { byMeaning: false }).closeness,
    ).toBe(1);
  });

  it('judges a question mixing Chinese and words by its words alone', () => {
    expect(questionCoverage('怎样声明 path parameters？', passages, 3).vocabulary).toBe(1);
    expect(questionCoverage('怎样声明 sourdough？', passages, 3).vocabulary).toBe(0);
  });

  it('does not judge a question of Chinese alone, whose character pairs straddle words', () => {
    expect(questionCoverage('怎样把路径参数限制为固定的值？', passages, 3).vocabulary).toBe(1);
  });

  it('does not judge a question in Thai or Russian, whose question words it has no stop words for', () => {
    expect(questionCoverage('ขนาดไฟล์สูงสุดคือเท่าไร', passages, 3).vocabulary).toBe(1);
    expect(questionCoverage('Как объявить параметры?', passages, 3).vocabulary).toBe(1);
  });

  it('counts the names a cited passage holds apart from those any candidate holds', () => {
    const coverage = questionCoverage('Do Python and Kafka read a Cookie?', passages, 1);

    expect(coverage.namesCited).toBeCloseTo(1 / 3);
    expect(coverage.namesKnown).toBeCloseTo(2 / 3);
  });
});

describe('questionNames', () => {
  it('takes capitalised words that do not open a sentence, identifiers whole', () => {
    expect(questionNames('How do Kafka groups work? Should I use UploadFile or gRPC?')).toEqual([
      'kafka',
      'uploadfile',
      'grpc',
    ]);
  });

  it('takes each part of a dotted code reference, but nothing from a file path', () => {
    expect(questionNames('Is asyncio.gather like trio.run? See /files/notes.txt')).toEqual([
      'asyncio',
      'gather',
      'trio',
      'run',
    ]);
  });

  it('finds none in a question of ordinary words', () => {
    expect(questionNames('How do I declare path parameters?')).toEqual([]);
  });
});

describe('measureCoverage', () => {
  it('names as witnesses the first candidate holding each of the question’s terms and the closest one', () => {
    const candidates = [
      { ...chunk('Cookies are read with Cookie.'), denseScore: 0.2 },
      { ...chunk('Path parameters are declared with Python format strings.'), denseScore: 0.3 },
      { ...chunk('Query parameters are the other function parameters.'), denseScore: 0.1 },
      { ...chunk('Path operations are declared with decorators.'), denseScore: 0.9 },
    ];

    const { witnesses } = measureCoverage('declare path parameters', candidates, 1);

    expect(witnesses).toEqual([1, 3]);
  });

  it('measures what questionCoverage measures', () => {
    const { coverage } = measureCoverage('bake sourdough bread parameters', passages, 2);

    expect(coverage).toEqual(questionCoverage('bake sourdough bread parameters', passages, 2));
  });
});
