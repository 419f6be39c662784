import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lexicalTerms } from '../../../../lambdas/core/retrieval/lexical-terms.js';
import { termsPresent } from '../../../../lambdas/core/retrieval/terms-present.js';

/** What termsPresent must answer: the wanted terms among all of the text's terms. */
const reference = (text: string, wanted: readonly string[]): string[] => {
  const terms = new Set(lexicalTerms(text));
  return wanted.filter((term) => terms.has(term)).sort();
};

const WORDS = [
  'query',
  'queries',
  'UploadFile',
  'upload',
  'files',
  'file',
  'HTTPException',
  'response_model',
  'parameters',
  'declared',
  'copying',
  'ties',
  'api',
  'FastAPI',
  '路径参数',
  '参数',
  'パス',
  'ขนาดไฟล์',
  'काम',
  'Straße',
  'uvicorn',
  "don't",
  'OAuth2',
  'status.HTTP_200_OK',
  'asyncio.gather',
  'the',
  'a',
  'Kafka',
  'naïve',
  'café',
  'Ωmega',
  'x',
  '42',
  'é',
];
const SEPARATORS = [' ', '\n', '. ', ', ', '(', ')', '/', '-', "'", '_', '`', '🌐', '⬆️', '\u0301'];

const texts = fc
  .array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS)), { maxLength: 30 })
  .map((pieces) => pieces.map(([word, separator]) => word + separator).join(''));

describe('termsPresent', () => {
  it('finds a stemmed part of an identifier inside it', () => {
    expect([...termsPresent('Use UploadFile for uploads', ['fil', 'upload'])].sort()).toEqual([
      'fil',
      'upload',
    ]);
  });

  it('finds a stem whose word ended in y, and not a longer word sharing its start', () => {
    expect([...termsPresent('Run the queries', ['queri'])]).toEqual(['queri']);
    expect([...termsPresent('A querulous reader', ['queri'])]).toEqual([]);
  });

  it('leaves out a term that appears only inside a longer token', () => {
    expect([...termsPresent('See uploadfile_handler', ['upload'])]).toEqual([]);
  });

  it('finds terms beside emoji, which are no part of a token', () => {
    expect([...termsPresent('🚀 Deploy with Docker 🐳', ['deploi', 'docker'])].sort()).toEqual([
      'deploi',
      'docker',
    ]);
  });

  it('leaves out a term inside a word whose other letter lies outside ASCII', () => {
    expect([...termsPresent('🌐 See Ωmega', ['mega'])]).toEqual([]);
  });

  it('answers for text outside ASCII as lexicalTerms does', () => {
    expect([...termsPresent('Un café naïve', ['caf', 'naiv'])].sort()).toEqual(['caf', 'naiv']);
  });

  it('agrees with the terms of lexicalTerms on any text', () => {
    fc.assert(
      fc.property(texts, texts, (text, other) => {
        const wanted = [...new Set([...lexicalTerms(text), ...lexicalTerms(other)])];

        expect([...termsPresent(text, wanted)].sort()).toEqual(reference(text, wanted));
      }),
      { numRuns: 500 },
    );
  });
});
