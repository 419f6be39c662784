import { beforeEach, describe, expect, it } from 'vitest';
import { AuthenticateApiKey } from '../../../../lambdas/core/auth/authenticate-api-key.js';
import { issueApiKey } from '../../../../lambdas/core/auth/issue-api-key.js';
import { HttpProblem } from '../../../../lambdas/core/problem.js';
import { InMemoryApiKeyStore } from '../../../support/fakes/in-memory-api-key-store.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';

const TTL_MS = 60_000;

const rejection = async (promise: Promise<unknown>): Promise<HttpProblem> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof HttpProblem)) throw new Error('expected an HttpProblem rejection');
  return error;
};

describe('AuthenticateApiKey', () => {
  let store: InMemoryApiKeyStore;
  let clock: ManualClock;
  let authenticate: AuthenticateApiKey;
  let key: string;
  let keyId: string;

  beforeEach(async () => {
    store = new InMemoryApiKeyStore();
    clock = new ManualClock();
    authenticate = new AuthenticateApiKey({ store, clock, cacheTtlMs: TTL_MS });
    const issued = await issueApiKey(store, clock, 'tenant-a');
    key = issued.key;
    keyId = issued.record.keyId;
  });

  it('resolves a valid key to its tenant', async () => {
    const caller = await authenticate.execute(`Bearer ${key}`);

    expect(caller).toEqual({ tenantId: 'tenant-a', keyId });
  });

  it('accepts the scheme in any case', async () => {
    await expect(authenticate.execute(`bearer ${key}`)).resolves.toMatchObject({
      tenantId: 'tenant-a',
    });
    await expect(authenticate.execute(`BEARER ${key}`)).resolves.toMatchObject({
      tenantId: 'tenant-a',
    });
  });

  it('ignores whitespace around the credentials', async () => {
    const caller = await authenticate.execute(`  Bearer ${key} \t`);

    expect(caller.tenantId).toBe('tenant-a');
  });

  it('rejects a missing header with 401 and a bare Bearer challenge', async () => {
    const problem = await rejection(authenticate.execute(undefined));

    expect(problem.status).toBe(401);
    expect(problem.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it.each([
    ['another scheme', (k: string) => `Basic ${k}`],
    ['no key after the scheme', () => 'Bearer'],
    ['a key of the wrong shape', () => 'Bearer sk-other-123'],
    ['two tokens', (k: string) => `Bearer ${k} extra`],
  ])('rejects a malformed header (%s) as an invalid token', async (_, header) => {
    const problem = await rejection(authenticate.execute(header(key)));

    expect(problem.status).toBe(401);
    expect(problem.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('tells a client that sent the key without its scheme to send it as a Bearer token', async () => {
    const problem = await rejection(authenticate.execute(key));

    expect(problem.status).toBe(401);
    expect(problem.detail).toBe('Send the key as Authorization: Bearer <key>');
    expect(problem.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  it('rejects an unknown key exactly as it rejects a revoked one', async () => {
    const other = await issueApiKey(store, clock, 'tenant-b');
    await store.revoke(other.record.keyId, clock.now().toISOString());
    const unknown = `sk-rag-${'A'.repeat(43)}`;

    const unknownProblem = await rejection(authenticate.execute(`Bearer ${unknown}`));
    const revokedProblem = await rejection(authenticate.execute(`Bearer ${other.key}`));

    expect(unknownProblem.status).toBe(401);
    expect(revokedProblem.status).toBe(401);
    expect(revokedProblem.detail).toBe(unknownProblem.detail);
    expect(revokedProblem.headers).toEqual(unknownProblem.headers);
  });

  it('reuses a lookup within the cache TTL', async () => {
    await authenticate.execute(`Bearer ${key}`);
    await authenticate.execute(`Bearer ${key}`);

    expect(store.lookups).toBe(1);
  });

  it('stops accepting a revoked key once the cache TTL has passed', async () => {
    await authenticate.execute(`Bearer ${key}`);
    await store.revoke(keyId, clock.now().toISOString());

    clock.advance(TTL_MS - 1);
    await expect(authenticate.execute(`Bearer ${key}`)).resolves.toBeDefined();
    clock.advance(2);
    const problem = await rejection(authenticate.execute(`Bearer ${key}`));

    expect(problem.status).toBe(401);
  });

  it('with a cache TTL of 0, refuses a key at once after it is revoked', async () => {
    const uncached = new AuthenticateApiKey({ store, clock, cacheTtlMs: 0 });
    await uncached.execute(`Bearer ${key}`);
    await store.revoke(keyId, clock.now().toISOString());

    const problem = await rejection(uncached.execute(`Bearer ${key}`));

    expect(problem.status).toBe(401);
  });

  it('with a cache TTL of 0, accepts a key once it is issued, though it was tried before', async () => {
    const uncached = new AuthenticateApiKey({ store, clock, cacheTtlMs: 0 });
    const early = `sk-rag-${'A'.repeat(43)}`;
    await rejection(uncached.execute(`Bearer ${early}`));
    await issueApiKey(store, clock, 'tenant-b', early);

    expect(await uncached.execute(`Bearer ${early}`)).toMatchObject({ tenantId: 'tenant-b' });
  });

  it('records when a key was last used', async () => {
    clock.advance(5_000);

    await authenticate.execute(`Bearer ${key}`);

    expect(store.records.get([...store.records.keys()][0]!)?.lastUsedAt).toBe(
      '2026-01-01T00:00:05.000Z',
    );
  });

  it('never stores the key itself', async () => {
    const stored = JSON.stringify([...store.records.values()]);

    expect(stored).not.toContain(key);
  });

  describe('its caches', () => {
    /** A well-formed key that no store knows. */
    const unknownKey = async () => (await issueApiKey(new InMemoryApiKeyStore(), clock, 'x')).key;
    const issue = async (count: number) =>
      Promise.all(
        Array.from({ length: count }, async (_, index) => {
          return (await issueApiKey(store, clock, `tenant-${index}`)).key;
        }),
      );

    it('keeps the key in use when the cache is full of other keys, dropping the least recently used', async () => {
      const bounded = new AuthenticateApiKey({
        store,
        clock,
        cacheTtlMs: TTL_MS,
        maxCacheEntries: 3,
      });
      const others = await issue(10);
      await bounded.execute(`Bearer ${key}`);

      for (const other of others) {
        await bounded.execute(`Bearer ${other}`);
        await bounded.execute(`Bearer ${key}`);
      }
      const lookupsBefore = store.lookups;
      await bounded.execute(`Bearer ${key}`);
      await bounded.execute(`Bearer ${others.at(-1)}`);
      await bounded.execute(`Bearer ${others[0]}`);

      expect(lookupsBefore).toBe(1 + others.length);
      expect(store.lookups).toBe(lookupsBefore + 1);
    });

    it('caches an unknown key briefly, so retrying it is not a read each time', async () => {
      const cached = new AuthenticateApiKey({
        store,
        clock,
        cacheTtlMs: TTL_MS,
        unknownKeyTtlMs: 5_000,
      });
      const unknown = await unknownKey();

      await rejection(cached.execute(`Bearer ${unknown}`));
      await rejection(cached.execute(`Bearer ${unknown}`));
      const withinTtl = store.lookups;
      clock.advance(5_001);
      await rejection(cached.execute(`Bearer ${unknown}`));

      expect(withinTtl).toBe(1);
      expect(store.lookups).toBe(2);
    });

    it('never lets a flood of unknown keys push out the valid keys in use', async () => {
      const bounded = new AuthenticateApiKey({
        store,
        clock,
        cacheTtlMs: TTL_MS,
        maxCacheEntries: 2,
        maxUnknownKeys: 2,
      });
      await bounded.execute(`Bearer ${key}`);

      for (let index = 0; index < 50; index += 1) {
        await rejection(bounded.execute(`Bearer ${await unknownKey()}`));
      }
      const lookupsBefore = store.lookups;
      await bounded.execute(`Bearer ${key}`);

      expect(lookupsBefore).toBe(51);
      expect(store.lookups).toBe(51);
    });
  });
});
