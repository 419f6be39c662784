import { describe, expect, it } from 'vitest';
import {
  chunkPageQuery,
  documentMetadataSchema,
} from '../../../../lambdas/core/schemas/documents.js';
import * as z from '../../../../lambdas/core/schemas/zod-mini.js';

describe('documentMetadataSchema', () => {
  it.each([0, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e-130, -1e-130])(
    'accepts the number %d, which DynamoDB stores exactly',
    (value) => {
      const result = z.safeParse(documentMetadataSchema, { n: value });

      expect(result.success).toBe(true);
    },
  );

  it.each([
    Number.MAX_SAFE_INTEGER + 1,
    -(Number.MAX_SAFE_INTEGER + 1),
    1e125,
    1.5e300,
    9.9e-131,
    -1e-200,
    Number.MIN_VALUE,
  ])('refuses the number %d, which DynamoDB cannot store, naming the range', (value) => {
    const result = z.safeParse(documentMetadataSchema, { n: value });

    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['n'],
        message: 'Use 0 or a number whose magnitude is from 1e-130 to 9007199254740991',
      }),
    ]);
  });
});

describe('chunkPageQuery', () => {
  it('reads decimal offsets and limits, defaulting them to 0 and 20', () => {
    const given = z.safeParse(chunkPageQuery, { offset: '40', limit: '10' });
    const defaults = z.safeParse(chunkPageQuery, {});

    expect([given.data, defaults.data]).toEqual([
      { offset: 40, limit: 10 },
      { offset: 0, limit: 20 },
    ]);
  });

  it.each(['0x10', '1e1', '1,2', '-1', '1000001'])(
    'refuses the offset %j, saying what an offset is',
    (offset) => {
      const result = z.safeParse(chunkPageQuery, { offset });

      expect(result.error?.issues).toEqual([
        expect.objectContaining({
          path: ['offset'],
          message: 'Use a whole number from 0 to 1000000',
        }),
      ]);
    },
  );

  it('refuses a hexadecimal limit, saying what a limit is', () => {
    const result = z.safeParse(chunkPageQuery, { limit: '0x10' });

    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['limit'], message: 'Use a whole number from 1 to 100' }),
    ]);
  });
});
