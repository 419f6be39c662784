import { describe, expect, it } from 'vitest';
import { TopK } from '../../../../lambdas/adapters/embedded/top-k.js';

const descending = (a: number, b: number) => b - a;

describe('TopK', () => {
  it('keeps the k best items in order', () => {
    const best = new TopK(3, descending);

    for (const value of [5, 1, 9, 3, 7, 2]) best.offer(value);

    expect(best.items).toEqual([9, 7, 5]);
  });

  it('keeps everything offered while fewer than k', () => {
    const best = new TopK(5, descending);

    for (const value of [2, 8]) best.offer(value);

    expect(best.items).toEqual([8, 2]);
  });

  it('keeps the first of equal items, as a stable sort would', () => {
    const best = new TopK<[string, number]>(2, (a, b) => b[1] - a[1]);

    for (const item of [
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ] as Array<[string, number]>)
      best.offer(item);

    expect(best.items.map(([name]) => name)).toEqual(['a', 'b']);
  });

  it('keeps nothing when k is 0', () => {
    const best = new TopK(0, descending);

    best.offer(1);

    expect(best.items).toEqual([]);
  });
});
