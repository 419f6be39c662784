import { TENANT_ID_SOURCE } from '../auth/tenant-id.js';

const TENANT = TENANT_ID_SOURCE;
const UPLOAD_KEY = new RegExp(
  `^tenants/(${TENANT})/uploads/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/v([1-9][0-9]{0,9})$`,
);
const INBOX_KEY = new RegExp(`^tenants/(${TENANT})/inbox/(.+)$`);

/**
 * The prefix of a document's presigned uploads: deleting the document deletes it.
 *
 * @example
 * uploadPrefix('acme', '0b4e…') // 'tenants/acme/uploads/0b4e…/'
 */
export const uploadPrefix = (tenantId: string, documentId: string): string =>
  `tenants/${tenantId}/uploads/${documentId}/`;

/**
 * The key a presigned `PUT` writes one version to: under the tenant's prefix, named by the
 * document and the version reserved for it, so two upload URLs never share a key.
 *
 * @example
 * uploadKey('acme', '0b4e…', 2) // 'tenants/acme/uploads/0b4e…/v2'
 */
export const uploadKey = (tenantId: string, documentId: string, version: number): string =>
  `${uploadPrefix(tenantId, documentId)}v${version}`;

/**
 * The key of a file in a tenant's drop folder.
 *
 * @example
 * inboxKey('acme', 'guides/setup.md') // 'tenants/acme/inbox/guides/setup.md'
 */
export const inboxKey = (tenantId: string, path: string): string =>
  `tenants/${tenantId}/inbox/${path}`;

/** What an object key names: a presigned upload's version, or a file of a drop folder. */
export type ObjectKeyKind =
  | { kind: 'upload'; tenantId: string; documentId: string; version: number }
  | { kind: 'inbox'; tenantId: string; path: string };

/**
 * Reads an object key of the bucket: a presigned upload (`tenants/<t>/uploads/<id>/v<n>`), a
 * drop-folder file (`tenants/<t>/inbox/<path>`, folder markers ending in `/` excluded), or
 * undefined for any other key (the raw versions the API writes, among others, and a `<t>` that
 * is not a tenant name: see `TENANT_ID_PATTERN`).
 *
 * @example
 * parseObjectKey('tenants/acme/inbox/guides/setup.md') // { kind: 'inbox', tenantId: 'acme', path: 'guides/setup.md' }
 */
export const parseObjectKey = (key: string): ObjectKeyKind | undefined => {
  const upload = UPLOAD_KEY.exec(key);
  if (upload) {
    return {
      kind: 'upload',
      tenantId: upload[1]!,
      documentId: upload[2]!,
      version: Number(upload[3]),
    };
  }
  const inbox = INBOX_KEY.exec(key);
  if (inbox && !inbox[2]!.endsWith('/')) {
    return { kind: 'inbox', tenantId: inbox[1]!, path: inbox[2]! };
  }
  return undefined;
};
