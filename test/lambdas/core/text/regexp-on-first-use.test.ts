import { afterEach, describe, expect, it, vi } from 'vitest';
import { regExpOnFirstUse } from '../../../../lambdas/core/text/regexp-on-first-use.js';

/** The sources of the expressions built while `RegExp` is spied on. */
const spyRegExps = () => vi.spyOn(globalThis, 'RegExp');

const sourcesBuilt = (built: ReturnType<typeof spyRegExps>): string[] =>
  built.mock.calls.map(([source]) => String(source));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('regExpOnFirstUse', () => {
  it('builds no expression until it is asked for one', () => {
    const built = spyRegExps();

    regExpOnFirstUse(String.raw`\p{scx=Han}`, 'u');

    expect(built).not.toHaveBeenCalled();
  });

  it('builds the expression of the source and flags on the first call and keeps it', () => {
    const han = regExpOnFirstUse(String.raw`\p{scx=Han}`, 'u');

    const first = han();
    const second = han();

    expect(second).toBe(first);
    expect(first.flags).toBe('u');
    expect(first.test('路')).toBe(true);
  });
});

describe('lexicalTerms and isJudgedTerm', () => {
  const importFresh = async () => {
    vi.resetModules();
    return import('../../../../lambdas/core/retrieval/lexical-terms.js');
  };

  it('read an English text without building a script class (a cold start walks no ICU sets)', async () => {
    const built = spyRegExps();
    const { lexicalTerms, isJudgedTerm } = await importFresh();

    const terms = lexicalTerms('How are UploadFile path_parameters declared in 2024?');
    const judged = terms.map(isJudgedTerm);

    expect(terms).toEqual([
      'uploadfile',
      'upload',
      'fil',
      'path_parameters',
      'path',
      'parameter',
      'declar',
      '2024',
    ]);
    expect(judged.every(Boolean)).toBe(true);
    expect(sourcesBuilt(built).filter((source) => source.includes('scx='))).toEqual([]);
  });

  it('build the script classes when a text needs them (Chinese, Thai, accents)', async () => {
    const { lexicalTerms, isJudgedTerm } = await importFresh();
    const built = spyRegExps();

    const terms = lexicalTerms('路径参数 สวัสดีครับ Café');

    expect(terms.slice(0, 3)).toEqual(['路径', '径参', '参数']);
    expect(terms).toContain('caf');
    expect(isJudgedTerm('路径')).toBe(false);
    expect(isJudgedTerm('café')).toBe(true);
    expect(sourcesBuilt(built).filter((source) => source.includes('scx=')).length).toBeGreaterThan(
      0,
    );
  });

  it('judge every ASCII character as the full Latin-and-digits class does', async () => {
    const { isJudgedTerm } = await importFresh();
    const full = /^[\p{scx=Latin}\p{N}_]+$/u;
    const ascii = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));

    expect(ascii.filter((character) => isJudgedTerm(character) !== full.test(character))).toEqual(
      [],
    );
  });

  it('rely on no spaceless script having an ASCII character', () => {
    const spaceless =
      /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u;
    const ascii = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));

    expect(ascii.filter((character) => spaceless.test(character))).toEqual([]);
  });
});
