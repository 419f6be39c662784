import { describe, expect, it } from 'vitest';
import { wellFormedStrings } from '../../../lambdas/http/well-formed-json.js';

describe('wellFormedStrings', () => {
  it('keeps text with paired surrogates (an emoji written as escapes)', () => {
    expect(JSON.parse('{"message":"ok \\ud83d\\ude00"}', wellFormedStrings)).toEqual({
      message: 'ok 😀',
    });
  });

  it('refuses a lone surrogate in a string with a 400', () => {
    expect(() => JSON.parse('{"message":"a \\ud800 b"}', wellFormedStrings)).toThrow(
      expect.objectContaining({ statusCode: 400 }),
    );
  });

  it('refuses a lone surrogate in a member name', () => {
    expect(() => JSON.parse('{"metadata":{"k\\udfff":1}}', wellFormedStrings)).toThrow(
      /lone surrogate/,
    );
  });
});
