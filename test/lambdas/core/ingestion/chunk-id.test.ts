import { describe, expect, it } from 'vitest';
import {
  CHUNK_ID_NAMESPACE,
  chunkId,
  uuidV5,
} from '../../../../lambdas/core/ingestion/chunk-id.js';

const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

describe('uuidV5', () => {
  it('matches the published vector for www.example.com in the DNS namespace', () => {
    expect(uuidV5('www.example.com', DNS_NAMESPACE)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('matches the published vector for python.org in the DNS namespace', () => {
    // Python's uuid documentation: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidV5('python.org', DNS_NAMESPACE)).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('sets version 5 and the RFC variant', () => {
    const id = uuidV5('anything', URL_NAMESPACE);

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(TypeError);
  });
});

describe('chunkId', () => {
  it('is the UUIDv5 of tenantId:documentId:chunkIndex in the chunk namespace', () => {
    expect(chunkId('acme', 'doc-1', 3)).toBe(uuidV5('acme:doc-1:3', CHUNK_ID_NAMESPACE));
  });

  it('is stable across calls and differs by tenant, document and index', () => {
    const ids = new Set([
      chunkId('acme', 'doc-1', 0),
      chunkId('acme', 'doc-1', 0),
      chunkId('acme', 'doc-1', 1),
      chunkId('acme', 'doc-2', 0),
      chunkId('globex', 'doc-1', 0),
    ]);

    expect(ids.size).toBe(4);
  });
});
