import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { Clock } from '../ports/clock.js';
import { HttpProblem } from '../problem.js';
import { hashApiKey, isWellFormedApiKey } from './api-key-format.js';
import { ExpiringLruCache } from './expiring-lru-cache.js';

/** The tenant and key an authenticated request acts as. */
export interface AuthenticatedCaller {
  tenantId: string;
  keyId: string;
}

/** Options of {@link AuthenticateApiKey}. */
export interface AuthenticateApiKeyOptions {
  store: ApiKeyStore;
  clock: Clock;
  /**
   * How long a valid key's lookup is reused in this container; a revoked key works at most this
   * long. 0: every request looks its key up.
   */
  cacheTtlMs: number;
  /** Most valid keys cached (default 10 000); past it the least recently used one is dropped. */
  maxCacheEntries?: number;
  /** How long an unknown or revoked key's lookup is reused (default 10 s, at most `cacheTtlMs`). */
  unknownKeyTtlMs?: number;
  /** Most unknown keys cached (default 1 000), apart from the valid ones so they never push those out. */
  maxUnknownKeys?: number;
}

const unauthorized = (detail: string, error?: 'invalid_token' | 'invalid_request'): HttpProblem =>
  new HttpProblem(401, {
    type: 'urn:problem:unauthorized',
    detail,
    headers: {
      'www-authenticate': error ? `Bearer realm="api", error="${error}"` : 'Bearer realm="api"',
    },
  });

/**
 * Resolves an `Authorization` header to the caller's tenant.
 *
 * The scheme is case-insensitive and surrounding whitespace is ignored (RFC 9110). Missing
 * credentials, malformed keys, unknown keys and revoked keys all get a 401 whose body does not
 * say which, so that nothing reveals whether a key or tenant exists. Lookups are cached per
 * container in two bounded LRU caches: valid keys for `cacheTtlMs`, and, apart, unknown or
 * revoked keys briefly (so a client retrying a bad key is not one DynamoDB read per request,
 * and a flood of random keys evicts only other unknown keys, never the valid ones in use).
 * `lastUsedAt` is written on cache misses only.
 *
 * @example
 * const authenticate = new AuthenticateApiKey({ store, clock: systemClock, cacheTtlMs: 60_000 });
 * const { tenantId } = await authenticate.execute(event.headers.authorization);
 */
export class AuthenticateApiKey {
  readonly #options: AuthenticateApiKeyOptions;
  readonly #known: ExpiringLruCache<string, AuthenticatedCaller>;
  readonly #unknown: ExpiringLruCache<string, true>;

  constructor(options: AuthenticateApiKeyOptions) {
    this.#options = options;
    // Time comes from the clock port, read on every check (no cached "now").
    const now = () => options.clock.now().getTime();
    this.#known = new ExpiringLruCache({
      maxEntries: options.maxCacheEntries ?? 10_000,
      ttlMs: options.cacheTtlMs,
      now,
    });
    this.#unknown = new ExpiringLruCache({
      maxEntries: options.maxUnknownKeys ?? 1_000,
      ttlMs: Math.max(1, Math.min(options.unknownKeyTtlMs ?? 10_000, options.cacheTtlMs)),
      now,
    });
  }

  async execute(authorization: string | undefined): Promise<AuthenticatedCaller> {
    const header = authorization?.trim() ?? '';
    if (header === '') throw unauthorized('An API key is required: Authorization: Bearer <key>');
    // A key pasted without its scheme says nothing of the key: say what the header needs.
    if (isWellFormedApiKey(header)) {
      throw unauthorized('Send the key as Authorization: Bearer <key>', 'invalid_request');
    }
    const match = /^bearer\s+(\S+)$/i.exec(header);
    if (!match || !isWellFormedApiKey(match[1]!)) {
      throw unauthorized('The API key is invalid', 'invalid_token');
    }
    const caller = await this.#resolve(hashApiKey(match[1]!));
    if (!caller) throw unauthorized('The API key is invalid', 'invalid_token');
    return caller;
  }

  async #resolve(keyHash: string): Promise<AuthenticatedCaller | null> {
    // A TTL of 0 turns caching off.
    const caching = this.#options.cacheTtlMs > 0;
    const cached = caching ? this.#known.get(keyHash) : undefined;
    if (cached) return cached;
    if (caching && this.#unknown.has(keyHash)) return null;

    const record = await this.#options.store.findByHash(keyHash);
    if (!record || record.revokedAt) {
      if (caching) this.#unknown.set(keyHash, true);
      return null;
    }
    const caller = { tenantId: record.tenantId, keyId: record.keyId };
    if (caching) this.#known.set(keyHash, caller);
    // Usage tracking must never fail a request: a lost lastUsedAt update is harmless.
    const now = this.#options.clock.now().toISOString();
    await this.#options.store.touch(keyHash, now).catch(() => undefined);
    return caller;
  }
}
