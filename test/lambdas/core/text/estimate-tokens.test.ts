import { describe, expect, it } from 'vitest';
import { estimateTokens, tokenWeight } from '../../../../lambdas/core/text/estimate-tokens.js';

describe('estimateTokens', () => {
  it('counts about four characters a token in English', () => {
    expect(estimateTokens('How do path parameters work?')).toBe(7);
  });

  it('counts at least one token a word', () => {
    expect(estimateTokens('a b c d e f')).toBe(6);
  });

  it('counts one token a character in Chinese and Japanese, which have no spaces', () => {
    expect(estimateTokens('如何声明路径参数？')).toBe(9);
    expect(estimateTokens('パスパラメータ')).toBe(7);
  });

  it('counts two characters a token in Cyrillic', () => {
    expect(estimateTokens('параметры')).toBe(5);
  });

  it('counts an emoji, a surrogate pair, as two tokens', () => {
    expect(tokenWeight('👍')).toBe(8);
  });

  it('is 0 for an empty text', () => {
    expect(estimateTokens('')).toBe(0);
  });
});
