import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbApiKeyStore } from '../../../../lambdas/adapters/dynamodb/dynamodb-api-key-store.js';
import { hashApiKey } from '../../../../lambdas/core/auth/api-key-format.js';
import { issueApiKey } from '../../../../lambdas/core/auth/issue-api-key.js';
import { systemClock } from '../../../../lambdas/core/ports/clock.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';

describe('DynamoDbApiKeyStore', () => {
  let db: DynaliteHandle;
  let store: DynamoDbApiKeyStore;

  beforeAll(async () => {
    db = await startDynalite();
    store = new DynamoDbApiKeyStore(db.documentClient, db.tableName);
  });
  afterAll(() => db.close());

  it('finds a key by the hash of the key', async () => {
    const { key, record } = await issueApiKey(store, systemClock, 'find-tenant');

    const found = await store.findByHash(hashApiKey(key));

    expect(found).toEqual(record);
  });

  it('lists the keys of one tenant only', async () => {
    await issueApiKey(store, systemClock, 'list-a');
    await issueApiKey(store, systemClock, 'list-a');
    await issueApiKey(store, systemClock, 'list-b');

    const listed = await store.list('list-a');

    expect(listed).toHaveLength(2);
    expect(listed.every((record) => record.tenantId === 'list-a')).toBe(true);
  });

  it('revokes a key by its id, keeping the first revocation time', async () => {
    const { key, record } = await issueApiKey(store, systemClock, 'revoke-tenant');

    await store.revoke(record.keyId, '2026-01-01T00:00:00.000Z');
    await store.revoke(record.keyId, '2026-02-01T00:00:00.000Z');

    expect((await store.findByHash(hashApiKey(key)))?.revokedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('answers false when revoking a key that does not exist', async () => {
    expect(await store.revoke('key_0000000000000000', '2026-01-01T00:00:00.000Z')).toBe(false);
  });

  it('refuses to overwrite an existing key', async () => {
    const { record } = await issueApiKey(store, systemClock, 'dup-tenant');

    await expect(store.put(record)).rejects.toThrow();
  });
});
