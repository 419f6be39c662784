import { describe, expect, it } from 'vitest';
import { waitForFirstToken } from '../../../lambdas/http/wait-for-first-token.js';

async function* events(
  items: string[],
  options: { delayMs?: number; failure?: Error } = {},
): AsyncGenerator<string> {
  if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  if (options.failure) throw options.failure;
  yield* items;
}

const drain = async (iterator: AsyncIterator<string>) => {
  const seen: string[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    seen.push(next.value);
  }
  return seen;
};

describe('waitForFirstToken', () => {
  it('gives every event, the awaited one first, when the first event came', async () => {
    const held = await waitForFirstToken(events(['a', 'b', 'c']), 1_000);

    expect(held.failed).toBe(false);
    expect(await drain(held.rest)).toEqual(['a', 'b', 'c']);
  });

  it('reports a failure of the first event within the hold', async () => {
    const failure = new Error('refused');

    const held = await waitForFirstToken(events([], { delayMs: 10, failure }), 1_000);

    expect(held).toMatchObject({ failed: true, error: failure });
  });

  it('stops waiting after the hold and throws a later failure on its turn', async () => {
    const failure = new Error('refused');

    const held = await waitForFirstToken(events([], { delayMs: 60, failure }), 10);

    expect(held.failed).toBe(false);
    await expect(held.rest.next()).rejects.toBe(failure);
  });
});
