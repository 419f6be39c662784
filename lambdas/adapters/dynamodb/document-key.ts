import type { TableKey } from './batch-get-items.js';

/**
 * Key of a document's record item, under the tenant's `TENANT#<id>#` prefix.
 *
 * @example
 * documentKey('acme', 'doc-1'); // { pk: 'TENANT#acme#DOC#doc-1', sk: 'DOC' }
 */
export const documentKey = (tenantId: string, documentId: string): TableKey => ({
  pk: `TENANT#${tenantId}#DOC#${documentId}`,
  sk: 'DOC',
});
