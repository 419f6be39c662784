/**
 * The prefix under which every raw upload of a document is stored: deleting it removes all of
 * the document's versions.
 *
 * @example
 * documentBlobPrefix('acme', '0b4e…') // 'tenants/acme/documents/0b4e…/'
 */
export const documentBlobPrefix = (tenantId: string, documentId: string): string =>
  `tenants/${tenantId}/documents/${documentId}/`;

/**
 * The key of one version's raw upload. Version numbers are never reused (they are reserved
 * before the upload is written), so an upload never overwrites another.
 *
 * @example
 * documentBlobKey('acme', '0b4e…', 3) // 'tenants/acme/documents/0b4e…/v3'
 */
export const documentBlobKey = (tenantId: string, documentId: string, version: number): string =>
  `${documentBlobPrefix(tenantId, documentId)}v${version}`;

/**
 * The key of the page texts extracted from a version's raw upload (PDF), beside it, under the
 * document's prefix so that deleting the document removes it too.
 *
 * @example
 * documentTextKey('tenants/acme/documents/0b4e…/v3') // 'tenants/acme/documents/0b4e…/v3.pages.json'
 */
export const documentTextKey = (blobKey: string): string => `${blobKey}.pages.json`;
