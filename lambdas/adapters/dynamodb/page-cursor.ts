import { HttpProblem } from '../../core/problem.js';

type KeyValue = Record<string, string>;

/** What a valid cursor of one listing looks like. */
export interface CursorShape {
  /** Exactly these attributes, all strings. */
  attributes: readonly string[];
  /** Attributes that must have exactly this value (the query's own partition). */
  equal?: Record<string, string>;
  /** Attributes that must start with this value (the caller's tenant prefix). */
  prefixed?: Record<string, string>;
}

/** The 400 a cursor we did not make, or made for another listing, gets. */
export const invalidCursor = (): HttpProblem =>
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
 * Decodes a cursor back to an `ExclusiveStartKey`, refusing (400) any cursor that is not one
 * this listing made for this caller: exactly the listing's key attributes, the query's own
 * partition, and keys inside the caller's tenant. A forged cursor can neither page into
 * another tenant's data nor make DynamoDB reject the start key.
 *
 * @example
 * decodeCursor(cursor, { attributes: ['pk', 'sk'], equal: { pk: sessionPk } })
 */
export const decodeCursor = (
  cursor: string | undefined,
  shape: CursorShape,
): KeyValue | undefined => {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidCursor();
  const key = parsed as Record<string, unknown>;
  const names = Object.keys(key);
  if (
    names.length !== shape.attributes.length ||
    !shape.attributes.every((name) => names.includes(name))
  ) {
    throw invalidCursor();
  }
  // DynamoDB refuses (a 500 here) a sort key over 1 024 bytes of UTF-8, not characters.
  for (const name of names) {
    const value = key[name];
    if (typeof value !== 'string' || value.length === 0 || Buffer.byteLength(value) > 1024)
      throw invalidCursor();
  }
  for (const [name, value] of Object.entries(shape.equal ?? {})) {
    if (key[name] !== value) throw invalidCursor();
  }
  for (const [name, prefix] of Object.entries(shape.prefixed ?? {})) {
    if (!(key[name] as string).startsWith(prefix)) throw invalidCursor();
  }
  return key as KeyValue;
};
