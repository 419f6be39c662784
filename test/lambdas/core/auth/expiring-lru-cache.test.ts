import { describe, expect, it } from 'vitest';
import { ExpiringLruCache } from '../../../../lambdas/core/auth/expiring-lru-cache.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';

const TTL_MS = 1_000;

const cacheOf = (clock: ManualClock, maxEntries = 10) =>
  new ExpiringLruCache<string, number>({
    maxEntries,
    ttlMs: TTL_MS,
    now: () => clock.now().getTime(),
  });

describe('ExpiringLruCache', () => {
  it('returns a stored value up to and including its TTL, then nothing', () => {
    const clock = new ManualClock();
    const cache = cacheOf(clock);
    cache.set('a', 1);

    clock.advance(TTL_MS);
    const atTtl = [cache.get('a'), cache.has('a')];
    clock.advance(1);

    expect(atTtl).toEqual([1, true]);
    expect([cache.get('a'), cache.has('a')]).toEqual([undefined, false]);
  });

  it('does not extend an entry’s life when it is read', () => {
    const clock = new ManualClock();
    const cache = cacheOf(clock);
    cache.set('a', 1);

    clock.advance(TTL_MS / 2);
    cache.get('a');
    clock.advance(TTL_MS / 2 + 1);

    expect(cache.get('a')).toBeUndefined();
  });

  it('starts an entry’s life again when it is stored again', () => {
    const clock = new ManualClock();
    const cache = cacheOf(clock);
    cache.set('a', 1);
    clock.advance(TTL_MS + 1);

    cache.set('a', 2);
    clock.advance(TTL_MS);

    expect(cache.get('a')).toBe(2);
  });

  it('drops the least recently read or written entry when full', () => {
    const clock = new ManualClock();
    const cache = cacheOf(clock, 2);
    cache.set('a', 1);
    cache.set('b', 2);

    cache.get('a');
    cache.set('c', 3);

    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
  });

  it('leaves the order as it is when asked whether it holds a key', () => {
    const clock = new ManualClock();
    const cache = cacheOf(clock, 2);
    cache.set('a', 1);
    cache.set('b', 2);

    cache.has('a');
    cache.set('c', 3);

    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([false, true, true]);
  });

  it('never moves an expired entry ahead of fresh ones, so it is the first dropped', () => {
    const clock = new ManualClock();
    const cache = cacheOf(clock, 2);
    cache.set('old', 1);
    clock.advance(TTL_MS + 1);
    cache.set('b', 2);

    cache.get('old');
    cache.set('c', 3);

    expect([cache.get('b'), cache.get('c')]).toEqual([2, 3]);
  });
});
