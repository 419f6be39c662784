import { describe, expect, it } from 'vitest';
import { pageQuery } from '../../../../lambdas/core/schemas/common.js';
import * as z from '../../../../lambdas/core/schemas/zod-mini.js';

describe('pageQuery', () => {
  it.each([
    ['1', 1],
    ['100', 100],
    ['007', 7],
  ])('reads the limit %j as %d', (limit, expected) => {
    const result = z.safeParse(pageQuery, { limit });

    expect(result.data).toEqual({ limit: expected });
  });

  it('defaults the limit to 20', () => {
    const result = z.safeParse(pageQuery, {});

    expect(result.data).toEqual({ limit: 20 });
  });

  it.each([
    '0x10',
    '1e1',
    '1,2',
    ' 5',
    '5 ',
    '+5',
    '-1',
    '1.0',
    '',
    '0',
    '101',
    '99999999999999999999',
  ])('refuses the limit %j, saying what a limit is', (limit) => {
    const result = z.safeParse(pageQuery, { limit });

    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['limit'], message: 'Use a whole number from 1 to 100' }),
    ]);
  });
});
