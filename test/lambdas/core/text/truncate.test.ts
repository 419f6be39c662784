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
});
