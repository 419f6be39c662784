import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../lambdas/core/rate/token-bucket.js';

describe('TokenBucket', () => {
  it('lets a burst up to its capacity go at once', async () => {
    const bucket = new TokenBucket({ capacity: 5, perMinute: 60 });
    const started = performance.now();

    for (let n = 0; n < 5; n += 1) await bucket.take(1);

    expect(performance.now() - started).toBeLessThan(500);
  });

  it('makes callers past the capacity wait for the rate', async () => {
    const bucket = new TokenBucket({ capacity: 10, perMinute: 60_000 }); // 1 token per ms
    const started = performance.now();

    await Promise.all(Array.from({ length: 5 }, () => bucket.take(10)));

    expect(performance.now() - started).toBeGreaterThanOrEqual(38);
  });

  it('lets an oversized take go and makes the next callers wait out its debt', async () => {
    const bucket = new TokenBucket({ capacity: 10, perMinute: 60_000 });
    await bucket.take(50);
    const started = performance.now();

    await bucket.take(1);

    expect(performance.now() - started).toBeGreaterThanOrEqual(38);
  });

  it('gives up waiting when its signal fires', async () => {
    const bucket = new TokenBucket({ capacity: 1, perMinute: 1 });
    await bucket.take(1);

    await expect(bucket.take(1, AbortSignal.timeout(20))).rejects.toThrow();
  });
});
