import mnemonistLruCache from 'mnemonist/lru-cache.js';

/**
 * mnemonist's LRU cache. The module is CommonJS and its `module.exports` is the class, which an
 * ES import takes as its default; its typings declare the class as `exports.default` instead,
 * so the default import is typed as the module: this says what it is at run time.
 */
const LruCache = mnemonistLruCache as unknown as typeof mnemonistLruCache.default;

/** An entry and when it was stored, in epoch milliseconds. */
interface Stored<V> {
  value: V;
  storedAt: number;
}

/** Options of {@link ExpiringLruCache}. */
export interface ExpiringLruCacheOptions {
  /** Most entries kept; past it the least recently used one is dropped. */
  maxEntries: number;
  /** How long an entry is returned after it was stored, in milliseconds (at least 1). */
  ttlMs: number;
  /** The current time in epoch milliseconds, read on every lookup (no cached "now"). */
  now: () => number;
}

/**
 * A bounded cache whose entries expire: at most `maxEntries`, the least recently read or
 * written one dropped past that, each returned for `ttlMs` after it was stored (an entry as old
 * as `ttlMs` is still fresh; reading it does not extend its life). On mnemonist's LRU cache,
 * which the AWS SDK's endpoint cache already brings into every bundle: its entries expire on
 * read here, so an expired one stays until it is stored again or pushed out.
 *
 * @example
 * const cache = new ExpiringLruCache<string, number>({ maxEntries: 2, ttlMs: 1_000, now: Date.now });
 * cache.set('a', 1);
 * cache.get('a') // 1 for a second, then undefined
 */
export class ExpiringLruCache<K, V> {
  readonly #entries: mnemonistLruCache.default<K, Stored<V>>;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: ExpiringLruCacheOptions) {
    this.#entries = new LruCache<K, Stored<V>>(options.maxEntries);
    this.#ttlMs = options.ttlMs;
    this.#now = options.now;
  }

  #fresh(stored: Stored<V> | undefined): stored is Stored<V> {
    return stored !== undefined && this.#now() - stored.storedAt <= this.#ttlMs;
  }

  /** The fresh value stored for `key`, made the most recently used; undefined when none. */
  get(key: K): V | undefined {
    if (!this.#fresh(this.#entries.peek(key))) return undefined;
    return this.#entries.get(key)?.value;
  }

  /** Whether a fresh value is stored for `key` (its place in the order left as it is). */
  has(key: K): boolean {
    return this.#fresh(this.#entries.peek(key));
  }

  /** Stores `value` for `key` from now on, as the most recently used entry. */
  set(key: K, value: V): void {
    this.#entries.set(key, { value, storedAt: this.#now() });
  }
}
