import { HttpProblem } from '../../core/problem.js';

type KeyValue = Record<string, string>;

const invalidCursor = () =>
  new HttpProblem(400, { type: 'urn:problem:validation', detail: 'The cursor is invalid' });

/**
 * Encodes DynamoDB's `LastEvaluatedKey` as an opaque base64url cursor.
 *
 * @example
 * encodeCursor({ pk: 'TENANT#a#SESSION#1', sk: 'MSG#…' }) // 'eyJwayI6…'
 */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

/**
 * Decodes a cursor back to an `ExclusiveStartKey`, refusing (400) any cursor that is not one we
 * made for this tenant: every key attribute must be a string and every partition-like key must
 * start with `tenantPrefix`, so a forged cursor cannot page into another tenant's data.
 */
export const decodeCursor = (
  cursor: string | undefined,
  tenantPrefix: string,
  partitionAttributes: readonly string[],
): KeyValue | undefined => {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidCursor();
  const entries = Object.entries(parsed);
  if (entries.length === 0 || entries.length > 4) throw invalidCursor();
  for (const [name, value] of entries) {
    if (typeof value !== 'string') throw invalidCursor();
    if (partitionAttributes.includes(name) && !value.startsWith(tenantPrefix))
      throw invalidCursor();
  }
  for (const name of partitionAttributes) if (!(name in parsed)) throw invalidCursor();
  return parsed as KeyValue;
};
