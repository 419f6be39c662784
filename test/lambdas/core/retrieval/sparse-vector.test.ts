import { describe, expect, it } from 'vitest';
import {
  passageVector,
  queryVector,
  termId,
  weightedQueryVector,
} from '../../../../lambdas/core/retrieval/sparse-vector.js';

const weightOf = (vector: { indices: number[]; values: number[] }, term: string) =>
  vector.values[vector.indices.indexOf(termId(term))];

describe('passageVector', () => {
  it('has one entry per distinct term, with unique uint32 ids', () => {
    const vector = passageVector('path path parameters');

    expect(vector.indices).toHaveLength(2);
    expect(new Set(vector.indices).size).toBe(2);
    for (const id of vector.indices) expect(id).toBeGreaterThanOrEqual(0);
    for (const id of vector.indices) expect(id).toBeLessThan(2 ** 32);
  });

  it('weighs a repeated term more, with saturation', () => {
    const vector = passageVector('path path parameter');

    expect(weightOf(vector, 'path')).toBeGreaterThan(weightOf(vector, 'parameter')!);
    expect(weightOf(vector, 'path')).toBeLessThan(2 * weightOf(vector, 'parameter')!);
  });

  it('weighs a term of the heading path more than the same term in the body', () => {
    const text = 'Cookies\n\nRead a cookie or a header.';

    const vector = passageVector(text, ['Cookies']);

    expect(weightOf(vector, 'cooki')).toBeGreaterThan(weightOf(passageVector(text), 'cooki')!);
    expect(weightOf(vector, 'cooki')).toBeGreaterThan(weightOf(vector, 'header')!);
  });

  it('weighs a term less in a longer passage', () => {
    const short = passageVector('cookie');
    const long = passageVector(`cookie ${'header body '.repeat(100)}`);

    expect(weightOf(long, 'cooki')).toBeLessThan(weightOf(short, 'cooki')!);
  });
});

describe('queryVector', () => {
  it('weighs each distinct term once', () => {
    const vector = queryVector('cookie cookies header');

    expect(vector.values).toEqual([1, 1]);
  });

  it('keeps the highest weight of a term found in several parts', () => {
    const vector = weightedQueryVector([
      { text: 'header', weight: 1 },
      { text: 'header cookie', weight: 0.5 },
    ]);

    expect(weightOf(vector, 'header')).toBe(1);
    expect(weightOf(vector, 'cooki')).toBe(0.5);
  });
});
