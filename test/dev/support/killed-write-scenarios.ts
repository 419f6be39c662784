/** The table and items of `dynalite-killed-mid-write.ts`, shared with the tests that read them back. */
export const TABLE = 'crash-test';

/** A document in both the listing index (`gsi1`) and the pending index (`gsi2`). */
export const PENDING_DOCUMENT = {
  pk: 'TENANT#t#DOC#d',
  sk: 'DOC',
  gsi1pk: 'TENANT#t#DOCS',
  gsi1sk: '2026-01-01T00:00:00Z#d',
  gsi2pk: 'PENDING#0',
  gsi2sk: '2026-01-01T00:00:00Z',
  status: 'queued',
};

/** The two items one transaction updates. */
export const TRANSACTION_ITEMS = [
  { pk: 'TENANT#t#A', sk: 'A' },
  { pk: 'TENANT#t#B', sk: 'B' },
];
