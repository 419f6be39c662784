import type { ApiKeyRecord, ApiKeyStore } from '../ports/api-key-store.js';
import type { Clock } from '../ports/clock.js';
import { API_KEY_PREFIX, generateApiKey, hashApiKey, keyIdOf } from './api-key-format.js';
import { isTenantId, TENANT_ID_RULE } from './tenant-id.js';

/** A newly issued key: the secret, shown once, and its stored record. */
export interface IssuedApiKey {
  key: string;
  record: ApiKeyRecord;
}

/**
 * Issues an API key for a tenant and stores only its hash.
 *
 * @example
 * const { key } = await issueApiKey(store, systemClock, 'acme');
 * console.log(key); // printed once, never stored
 */
export const issueApiKey = async (
  store: ApiKeyStore,
  clock: Clock,
  tenantId: string,
  key: string = generateApiKey(),
): Promise<IssuedApiKey> => {
  if (!isTenantId(tenantId)) throw new Error(TENANT_ID_RULE);
  const keyHash = hashApiKey(key);
  const record: ApiKeyRecord = {
    keyId: keyIdOf(keyHash),
    tenantId,
    keyHash,
    prefix: `${key.slice(0, API_KEY_PREFIX.length + 4)}…`,
    createdAt: clock.now().toISOString(),
  };
  await store.put(record);
  return { key, record };
};
