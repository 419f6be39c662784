import { describe, expect, it } from 'vitest';
import { DEV_TENANT, ensureDevApiKey } from '../../dev/dev-api-key.js';
import { LocalStackStartError } from '../../dev/local-stack-start-error.js';
import { issueApiKey } from '../../lambdas/core/auth/issue-api-key.js';
import { systemClock } from '../../lambdas/core/ports/clock.js';
import { InMemoryApiKeyStore } from '../support/fakes/in-memory-api-key-store.js';

describe('ensureDevApiKey', () => {
  it('issues a key of the local tenant when none is given', async () => {
    const store = new InMemoryApiKeyStore();

    const key = await ensureDevApiKey(store);

    expect((await store.list()).map((record) => record.tenantId)).toEqual([DEV_TENANT]);
    expect(key).toMatch(/^sk-rag-/);
  });

  it("refuses another tenant's key with a start error that says to unset API_KEY", async () => {
    const store = new InMemoryApiKeyStore();
    const { key } = await issueApiKey(store, systemClock, 'acme');

    const error = await ensureDevApiKey(store, key).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LocalStackStartError);
    expect((error as Error).message).toContain('tenant acme');
    expect((error as Error).message).toContain('unset API_KEY');
  });

  it('refuses a malformed key with a start error', async () => {
    const error = await ensureDevApiKey(new InMemoryApiKeyStore(), 'test').catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(LocalStackStartError);
  });
});
