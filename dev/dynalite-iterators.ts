import { AbstractIterator, AbstractKeyIterator, AbstractValueIterator } from 'abstract-level';

/**
 * Makes dynalite close the LevelDB iterators it opens, which it otherwise never does: every
 * Query and Scan streams its items from an `abstract-level` iterator and, when the stream ends
 * or stops at `Limit`, calls `iterator.return()` to release it, the async-iterator protocol's
 * "I am done" hook. `abstract-level` 3 iterators have no `return()`, only `close()`, so each
 * iterator stayed attached to the database for the life of the process with its batch of
 * cached items (chat messages, a session's history), about two per streamed answer: the heap
 * of a local stack grew by hundreds of MB over a few thousand streams.
 *
 * This gives those iterators the missing `return()`, closing the iterator as the protocol
 * asks. It is written by hand because neither library has a release with a fix; it leaves a
 * `return()` alone if a future release brings one. Idempotent.
 *
 * @example
 * closeDynaliteIteratorsWhenDone();
 * const db = dynalite({ path: '.data/dynamodb' });
 */
export const closeDynaliteIteratorsWhenDone = (): void => {
  for (const Iterator of [AbstractIterator, AbstractKeyIterator, AbstractValueIterator]) {
    const prototype = Iterator.prototype as { return?: unknown; close(): Promise<void> };
    if (typeof prototype.return === 'function') continue;
    Object.defineProperty(prototype, 'return', {
      configurable: true,
      writable: true,
      value: async function (this: { close(): Promise<void> }) {
        await this.close();
        return { done: true, value: undefined };
      },
    });
  }
};
