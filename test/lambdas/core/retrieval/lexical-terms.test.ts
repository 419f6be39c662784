import { describe, expect, it } from 'vitest';
import { lexicalTerms, stemWord } from '../../../../lambdas/core/retrieval/lexical-terms.js';

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

  it('meets plural and inflected forms of a word', () => {
    expect(lexicalTerms('queries declared')).toEqual(lexicalTerms('query declare'));
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
