import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { Clock } from '../ports/clock.js';
import { HttpProblem } from '../problem.js';
import { hashApiKey, isWellFormedApiKey } from './api-key-format.js';

/** The tenant and key an authenticated request acts as. */
export interface AuthenticatedCaller {
  tenantId: string;
  keyId: string;
}

/** Options of {@link AuthenticateApiKey}. */
export interface AuthenticateApiKeyOptions {
  store: ApiKeyStore;
  clock: Clock;
  /** How long a lookup (hit or miss) is reused in this container; a revoked key works at most this long. */
  cacheTtlMs: number;
  /** Bound on cached entries, so a flood of random keys cannot grow memory without limit. */
  maxCacheEntries?: number;
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
 * container for `cacheTtlMs`, negative ones too; `lastUsedAt` is written on cache misses only.
 *
 * @example
 * const authenticate = new AuthenticateApiKey({ store, clock: systemClock, cacheTtlMs: 60_000 });
 * const { tenantId } = await authenticate.execute(event.headers.authorization);
 */
export class AuthenticateApiKey {
  readonly #cache = new Map<string, { caller: AuthenticatedCaller | null; expiresAt: number }>();
  readonly #options: Required<AuthenticateApiKeyOptions>;

  constructor(options: AuthenticateApiKeyOptions) {
    this.#options = { maxCacheEntries: 10_000, ...options };
  }

  async execute(authorization: string | undefined): Promise<AuthenticatedCaller> {
    const header = authorization?.trim() ?? '';
    if (header === '') throw unauthorized('An API key is required: Authorization: Bearer <key>');
    const match = /^bearer\s+(\S+)$/i.exec(header);
    if (!match || !isWellFormedApiKey(match[1]!)) {
      throw unauthorized('The API key is invalid', 'invalid_token');
    }
    const caller = await this.#resolve(hashApiKey(match[1]!));
    if (!caller) throw unauthorized('The API key is invalid', 'invalid_token');
    return caller;
  }

  async #resolve(keyHash: string): Promise<AuthenticatedCaller | null> {
    const now = this.#options.clock.now();
    const cached = this.#cache.get(keyHash);
    if (cached && cached.expiresAt > now.getTime()) return cached.caller;

    const record = await this.#options.store.findByHash(keyHash);
    const caller =
      record && !record.revokedAt ? { tenantId: record.tenantId, keyId: record.keyId } : null;
    if (this.#cache.size >= this.#options.maxCacheEntries) this.#cache.clear();
    this.#cache.set(keyHash, { caller, expiresAt: now.getTime() + this.#options.cacheTtlMs });
    // Usage tracking must never fail a request: a lost lastUsedAt update is harmless.
    if (caller) await this.#options.store.touch(keyHash, now.toISOString()).catch(() => undefined);
    return caller;
  }
}
