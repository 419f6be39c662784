import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../../lambdas/adapters/dynamodb/page-cursor.js';
import { HttpProblem } from '../../../../lambdas/core/problem.js';

const shape = {
  attributes: ['pk', 'sk'],
  equal: { pk: 'TENANT#a#SESSION#s1' },
  prefixed: { sk: 'MSG#' },
} as const;

const rejected = (cursor: string) => {
  try {
    decodeCursor(cursor, shape);
  } catch (error) {
    return error instanceof HttpProblem && error.status === 400;
  }
  return false;
};

describe('page cursors', () => {
  it('round-trips a key the listing made', () => {
    const key = { pk: 'TENANT#a#SESSION#s1', sk: 'MSG#2026#0#m1' };

    expect(decodeCursor(encodeCursor(key), shape)).toEqual(key);
  });

  it('refuses a cursor into another partition, even of the same tenant', () => {
    expect(rejected(encodeCursor({ pk: 'TENANT#a#SESSION#other', sk: 'MSG#1' })!)).toBe(true);
  });

  it('refuses a cursor with missing or extra attributes', () => {
    expect(rejected(encodeCursor({ pk: 'TENANT#a#SESSION#s1' })!)).toBe(true);
    expect(rejected(encodeCursor({ pk: 'TENANT#a#SESSION#s1', sk: 'MSG#1', x: 'y' })!)).toBe(true);
  });

  it('refuses what is not a cursor at all', () => {
    expect(rejected('%%%')).toBe(true);
    expect(rejected(Buffer.from('[1,2]').toString('base64url'))).toBe(true);
  });

  it('refuses a key of more than 1 024 bytes of UTF-8, which DynamoDB would refuse', () => {
    const sk = `MSG#${'é'.repeat(600)}`; // 604 characters, 1 204 bytes

    expect(rejected(encodeCursor({ pk: 'TENANT#a#SESSION#s1', sk })!)).toBe(true);
  });
});
