import type { ActiveStream, StreamLog } from '../ports/stream-log.js';
import type { UiMessagePart } from './ui-message-stream.js';

/** How long readers wait past a writer's deadline before they take it as gone (5 s). */
export const DEFAULT_DEADLINE_MARGIN_MS = 5_000;

/** Timing of {@link followStream}. */
export interface FollowOptions {
  /** Pause between polls while parts keep coming (default 25 ms). */
  minPollMs?: number;
  /** Longest pause between polls, reached by growing each empty wait by half (default 200 ms). */
  maxPollMs?: number;
  /** Polls stay at `minPollMs` this long after the last new parts (default 400 ms). */
  busyWindowMs?: number;
  /** Readers wait this long past the writer's deadline before giving up (default 5 s). */
  deadlineMarginMs?: number;
  /** The reader's own deadline (epoch ms): it ends its response before it. */
  readerDeadlineAt?: number;
  /** How often an idle reader checks that the stream is still active (default 1 s). */
  activeCheckMs?: number;
  /** Ends the following (the reader's client went away). */
  signal?: AbortSignal;
  now?: () => number;
}

/** What {@link followStream} follows. */
export interface FollowedStream {
  tenantId: string;
  chatId: string;
  stream: ActiveStream;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

const lost = (errorText: string): UiMessagePart => ({ type: 'error', errorText });

/**
 * Replays a recorded answer stream from its first part, then follows it live until its last
 * batch (`finish` or `error`). Polls the {@link StreamLog} every `minPollMs` while parts keep
 * coming (a writer flushes every ~150 ms, so a follower trails it by about one flush interval),
 * backing off to `maxPollMs` once nothing has come for `busyWindowMs` (before the first token,
 * a stalled model). Batches are taken strictly in sequence,
 * so a part is never skipped or repeated. The reader never outlives the writer: past its
 * deadline plus a margin, or when the chat's marker is cleared without the stream's last batch
 * (the writer crashed), it ends with an `error` part. A marker taken by a newer question on the
 * same chat says nothing of this stream's writer: the reader then waits for its last batch
 * until the deadline. Polling (rather than DynamoDB Streams or a
 * connection between instances) needs nothing beyond the table and costs reads only while
 * someone follows.
 *
 * @example
 * for await (const part of followStream(log, { tenantId, chatId, stream: active })) send(part);
 */
export async function* followStream(
  log: StreamLog,
  followed: FollowedStream,
  options: FollowOptions = {},
): AsyncGenerator<UiMessagePart> {
  const { tenantId, chatId, stream } = followed;
  const now = options.now ?? Date.now;
  const minPollMs = options.minPollMs ?? 25;
  const maxPollMs = options.maxPollMs ?? 200;
  const busyWindowMs = options.busyWindowMs ?? 400;
  const activeCheckMs = options.activeCheckMs ?? 1_000;
  const giveUpAt = Math.min(
    stream.deadlineAt + (options.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS),
    options.readerDeadlineAt ?? Number.POSITIVE_INFINITY,
  );
  let nextSeq = 0;
  let wait = minPollMs;
  let lastPartsAt = now();
  let lastActiveCheck = now();
  let writerGone = false;
  let replaced = false;
  while (!options.signal?.aborted) {
    const batches = await log.read(tenantId, chatId, stream.streamId, nextSeq);
    for (const batch of batches) {
      if (batch.seq !== nextSeq) break;
      nextSeq += 1;
      yield* batch.parts;
      if (batch.final) return;
    }
    if (batches.length > 0) {
      wait = minPollMs;
      lastPartsAt = now();
      continue;
    }
    if (writerGone) {
      yield lost('The answer stopped being recorded before it ended.');
      return;
    }
    if (now() >= giveUpAt) {
      yield lost('The answer did not end before its time budget ran out.');
      return;
    }
    if (!replaced && now() - lastActiveCheck >= activeCheckMs) {
      lastActiveCheck = now();
      const active = await log.active(tenantId, chatId, { consistent: true });
      // A newer question on the chat took the marker: the writer may still be running, and the
      // marker can no longer tell; its deadline bounds the wait instead.
      if (active !== undefined && active.streamId !== stream.streamId) replaced = true;
      // A newer answer may have begun and ended since the last check: its end cleared the
      // marker, and this stream's writer may still run.
      if (active === undefined) {
        const ended = await log.lastEnded(tenantId, chatId);
        if (ended !== undefined && ended !== stream.streamId) replaced = true;
        // One more read follows: the last batch may have landed just before the stream ended.
        else writerGone = true;
      }
      if (writerGone) continue;
    }
    await sleep(Math.min(wait, Math.max(1, giveUpAt - now())), options.signal);
    if (now() - lastPartsAt > busyWindowMs) wait = Math.min(maxPollMs, Math.ceil(wait * 1.5));
  }
}
