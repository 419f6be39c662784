import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countWords, isBlank, isWhitespaceCode } from '../../../../lambdas/core/text/whitespace.js';

describe('isWhitespaceCode', () => {
  it('agrees with \\s on every UTF-16 code unit', () => {
    for (let code = 0; code <= 0xffff; code += 1) {
      expect(isWhitespaceCode(code)).toBe(/\s/.test(String.fromCharCode(code)));
    }
  });
});

describe('countWords', () => {
  it('counts as split(/\\s+/) does (property)', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('a', 'é', ' ', '\n', '\u00a0', '\u3000', '\ufeff', '.'),
        }),
        (text) => {
          expect(countWords(text)).toBe(text.split(/\s+/).filter(Boolean).length);
        },
      ),
    );
  });
});

describe('isBlank', () => {
  it('sees whitespace of every kind and invisible characters as blank', () => {
    expect(isBlank('')).toBe(true);
    expect(isBlank(' \t\n\u00a0\u0085\u2028\u3000\ufeff\u200b\u200d\u202e\u2066\u180e')).toBe(true);
  });

  it('sees any visible character, an invisible one around it or not, as text', () => {
    expect(isBlank('\u202e x \u202c')).toBe(false);
    expect(isBlank('.')).toBe(false);
  });
});
