/** An answer's events after its `start`, once the first of them came, failed or was waited for long enough. */
export type HeldAnswer<T> =
  | { failed: false; rest: AsyncIterator<T> }
  | { failed: true; error: unknown; rest: AsyncIterator<T> };

/**
 * Waits for the first event of `events` (an answer's first token, or its end), at most
 * `holdMs`, so that a response whose head waits for it can still answer a model that fails
 * before its first token with a status and a problem document. `failed` only when that event
 * failed within `holdMs`. `rest` gives every event, the awaited one first (a failure is thrown
 * again on its turn), so nothing is lost and the token goes out the moment it came.
 *
 * @example
 * const held = await waitForFirstToken(events, 15_000);
 * if (held.failed) throw held.error;
 * for await (const part of answerParts(start, held.rest, options)) send(part);
 */
export const waitForFirstToken = async <T>(
  events: AsyncIterator<T>,
  holdMs: number,
): Promise<HeldAnswer<T>> => {
  let pending: Promise<IteratorResult<T>> | undefined = events.next();
  const rest: AsyncIterator<T> = {
    next: () => {
      const next = pending ?? events.next();
      pending = undefined;
      return next;
    },
  };
  let holdEnded = () => {};
  const heldTooLong = new Promise<undefined>((resolve) => {
    holdEnded = () => resolve(undefined);
  });
  const timer = setTimeout(holdEnded, holdMs);
  const failure = await Promise.race([
    pending.then(
      () => undefined,
      (error: unknown) => ({ error }),
    ),
    heldTooLong,
  ]);
  clearTimeout(timer);
  return failure ? { failed: true, error: failure.error, rest } : { failed: false, rest };
};
