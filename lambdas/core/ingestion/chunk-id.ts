import { createHash } from 'node:crypto';

/**
 * The namespace of chunk point ids. Fixed forever: changing it would give every chunk a new id,
 * so re-indexing would duplicate points instead of overwriting them.
 */
export const CHUNK_ID_NAMESPACE = '6f2b0c4e-8d1a-4f5e-9b3c-2a7d5e1f0c93';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A name-based UUID, version 5 (RFC 9562 §5.5): the SHA-1 digest of the namespace's 16 bytes
 * followed by the name's UTF-8 bytes, with the version and variant bits set.
 *
 * @example
 * uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')
 * // '2ed6657d-e927-568b-95e1-2665a8aea6a2'
 */
export const uuidV5 = (name: string, namespace: string): string => {
  if (!UUID_PATTERN.test(namespace)) throw new TypeError(`Not a UUID: ${namespace}`);
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * The deterministic point id of a chunk: UUIDv5 of `tenantId:documentId:chunkIndex` in
 * {@link CHUNK_ID_NAMESPACE}, so re-indexing a document overwrites its points instead of
 * adding new ones.
 *
 * @example
 * chunkId('acme', '3f1c…', 0) // the same UUID on every run
 */
export const chunkId = (tenantId: string, documentId: string, chunkIndex: number): string =>
  uuidV5(`${tenantId}:${documentId}:${chunkIndex}`, CHUNK_ID_NAMESPACE);
