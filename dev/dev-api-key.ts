import { hashApiKey, isWellFormedApiKey } from '../lambdas/core/auth/api-key-format.js';
import { issueApiKey } from '../lambdas/core/auth/issue-api-key.js';
import type { ApiKeyStore } from '../lambdas/core/ports/api-key-store.js';
import { systemClock } from '../lambdas/core/ports/clock.js';
import { LocalStackStartError } from './local-stack-start-error.js';

/** The tenant of the development key. */
export const DEV_TENANT = 'local';

/**
 * Makes sure the development key works for tenant `local`: the given key (from `API_KEY`) is
 * registered when it is not yet, otherwise a new key is issued. Returns the key to print.
 */
export const ensureDevApiKey = async (store: ApiKeyStore, given?: string): Promise<string> => {
  if (given) {
    if (!isWellFormedApiKey(given)) {
      throw new LocalStackStartError(
        'API_KEY must look like sk-rag-<43 base64url characters>; unset it to get one',
      );
    }
    const existing = await store.findByHash(hashApiKey(given));
    if (existing && existing.tenantId === DEV_TENANT && !existing.revokedAt) return given;
    if (existing) {
      throw new LocalStackStartError(
        `API_KEY is ${existing.revokedAt ? 'revoked' : `a key of tenant ${existing.tenantId}, not of the local stack's tenant (${DEV_TENANT})`}: unset it (unset API_KEY) to use the stack's own key`,
      );
    }
    await issueApiKey(store, systemClock, DEV_TENANT, given);
    return given;
  }
  return (await issueApiKey(store, systemClock, DEV_TENANT)).key;
};
