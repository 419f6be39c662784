import { describe, expect, it } from 'vitest';
import { documentMetadataSchema } from '../../../../lambdas/core/schemas/documents.js';
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
