import { describe, expect, it } from 'vitest';
import { truncate } from '../../../../lambdas/core/text/truncate.js';

describe('truncate', () => {
  it('keeps a text that fits', () => {
    expect(truncate('hello', 5)).toBe('hello');
  });

  it('cuts a longer text at the limit', () => {
    expect(truncate('hello world', 5)).toBe('hello');
  });

  it('leaves out the first half of a surrogate pair the limit would split', () => {
    expect(truncate('ab😀c', 3)).toBe('ab');
  });

  it('keeps a surrogate pair that ends at the limit', () => {
    expect(truncate('ab😀c', 4)).toBe('ab😀');
  });

  it('keeps every flag whole in a long run of flags, wherever the run starts', () => {
    const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });
    for (const prefix of ['', 'x', 'xy', 'xyz']) {
      const title = `${prefix}${'🇯🇵'.repeat(40)}`;
      const boundaries = new Set(Array.from(graphemes.segment(title), (part) => part.index));

      const split = [80, 81, 82, 83].filter((max) => !boundaries.has(truncate(title, max).length));

      expect(split, JSON.stringify(prefix)).toEqual([]);
    }
  });
});
