import type { StreamLog } from '../ports/stream-log.js';
import { utf8Length } from '../text/utf8-length.js';
import type { UiMessagePart } from './ui-message-stream.js';

/** Where and what a {@link StreamRecorder} records. */
export interface RecordedStream {
  tenantId: string;
  chatId: string;
  streamId: string;
  /** Epoch ms of the writer's deadline: readers give up a margin after it. */
  deadlineAt: number;
  /** Epoch ms the answer's request arrived: a stop requested since then stops it. */
  requestedAt: number;
  /** The answer's preparation, which its marker's write ends (`AnswerPreparations`). */
  preparationId?: string;
}

/** Timing of a {@link StreamRecorder}. */
export interface StreamRecorderOptions {
  /** A part waits at most this long before it is written (default 150 ms). */
  flushIntervalMs?: number;
  /** How often the stop flag is read while the answer runs (default 200 ms). */
  stopPollMs?: number;
  /** Called once when a stop was requested (from any instance) for this stream. */
  onStop: () => void;
  /** Called when a write fails: the live answer goes on, the recording is abandoned. */
  onError?: (error: unknown) => void;
}

const isLast = (part: UiMessagePart) => part.type === 'finish' || part.type === 'error';

/**
 * UTF-8 bytes of parts a batch is written at (before its timer): a DynamoDB item holds 400 KB,
 * and a batch cut only by time took two 210 KB tokens, or a long source list, past it (the write
 * was refused and the answer could not be replayed).
 */
const MAX_BATCH_BYTES = 256 * 1024;

/** Characters of one recorded text delta at most (three bytes each at worst): longer ones are split. */
const MAX_DELTA_CHARS = 32 * 1024;

/** A text delta in pieces a batch can hold (readers join the deltas of one id), else the part. */
const recordedPieces = (part: UiMessagePart): UiMessagePart[] => {
  if (part.type !== 'text-delta' || part.delta.length <= MAX_DELTA_CHARS) return [part];
  const pieces: UiMessagePart[] = [];
  for (let start = 0; start < part.delta.length; ) {
    let end = Math.min(part.delta.length, start + MAX_DELTA_CHARS);
    // Never between the two halves of a surrogate pair.
    const last = part.delta.charCodeAt(end - 1);
    if (end < part.delta.length && last >= 0xd800 && last < 0xdc00) end -= 1;
    pieces.push({ ...part, delta: part.delta.slice(start, end) });
    start = end;
  }
  return pieces;
};

/**
 * Records the UI message stream parts of an answer into a {@link StreamLog} while it streams,
 * so that another request (on any instance) can replay and follow it. Parts are written in
 * batches, a batch at most `flushIntervalMs` after its first part, one write in flight at a
 * time, which bounds the writes of an answer by its duration rather than its token count. The
 * last part (`finish` or `error`) is written at once, then the chat's active stream is cleared.
 * While the answer runs, the stop flag is polled, so a stop requested through another
 * instance reaches the model call here.
 *
 * @example
 * const recorder = await StreamRecorder.begin(log, { tenantId, chatId, streamId, deadlineAt, requestedAt }, { onStop });
 * for await (const part of parts) recorder.add(part);
 * await recorder.close();
 */
export class StreamRecorder {
  readonly #log: StreamLog;
  readonly #stream: RecordedStream;
  readonly #options: Required<Omit<StreamRecorderOptions, 'onError'>> &
    Pick<StreamRecorderOptions, 'onError'>;
  #pending: UiMessagePart[] = [];
  #pendingBytes = 0;
  #seq = 0;
  #flushTimer: NodeJS.Timeout | undefined;
  #stopPoll: NodeJS.Timeout | undefined;
  #writes: Promise<void> = Promise.resolve();
  #failed = false;
  #closed = false;
  #writeCount = 0;

  private constructor(log: StreamLog, stream: RecordedStream, options: StreamRecorderOptions) {
    this.#log = log;
    this.#stream = stream;
    this.#options = { flushIntervalMs: 150, stopPollMs: 200, ...options };
  }

  /**
   * Marks the stream active on the chat, then returns a recorder that polls for a stop. A stop
   * requested while the answer was prepared (before the marker) calls `onStop` at once.
   */
  static async begin(
    log: StreamLog,
    stream: RecordedStream,
    options: StreamRecorderOptions,
  ): Promise<StreamRecorder> {
    const { stopRequested } = await log.begin(stream.tenantId, stream.chatId, {
      streamId: stream.streamId,
      deadlineAt: stream.deadlineAt,
      requestedAt: stream.requestedAt,
      ...(stream.preparationId === undefined ? {} : { preparationId: stream.preparationId }),
    });
    const recorder = new StreamRecorder(log, stream, options);
    recorder.#writeCount = 1;
    if (stopRequested) options.onStop();
    else recorder.#pollStop();
    return recorder;
  }

  /** Writes made so far (the active-stream marker, batches, its clearing). */
  get writeCount(): number {
    return this.#writeCount;
  }

  /** Queues a part; the last part of the answer is written at once. */
  add(part: UiMessagePart): void {
    if (this.#closed) return;
    for (const piece of recordedPieces(part)) {
      const bytes = utf8Length(JSON.stringify(piece));
      if (this.#pending.length > 0 && this.#pendingBytes + bytes > MAX_BATCH_BYTES) {
        this.#flush(false);
      }
      this.#pending.push(piece);
      this.#pendingBytes += bytes;
    }
    if (isLast(part)) {
      this.#flush(true);
      return;
    }
    this.#flushTimer ??= setTimeout(() => this.#flush(false), this.#options.flushIntervalMs);
  }

  /**
   * Writes what is pending as the final batch (if `add` has not already), clears the active
   * stream and stops polling. Never rejects: a failed recording is reported through `onError`.
   */
  async close(): Promise<void> {
    clearTimeout(this.#stopPoll);
    if (!this.#closed) this.#flush(true);
    const { tenantId, chatId, streamId } = this.#stream;
    await this.#writes;
    await this.#log.end(tenantId, chatId, streamId).then(
      () => {
        this.#writeCount += 1;
      },
      (error: unknown) => this.#options.onError?.(error),
    );
  }

  #flush(final: boolean): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (final) {
      this.#closed = true;
      clearTimeout(this.#stopPoll);
    }
    if (this.#pending.length === 0 && !final) return;
    const batch = { seq: this.#seq, parts: this.#pending, final };
    this.#seq += 1;
    this.#pending = [];
    this.#pendingBytes = 0;
    const { tenantId, chatId, streamId } = this.#stream;
    this.#writes = this.#writes.then(async () => {
      if (this.#failed) return;
      try {
        await this.#log.append(tenantId, chatId, streamId, batch);
        this.#writeCount += 1;
      } catch (error) {
        // A gap would leave readers waiting for a batch that never comes: stop recording and
        // clear the active stream now (not when the answer ends), so that they end at once.
        this.#failed = true;
        this.#options.onError?.(error);
        await this.#log.end(tenantId, chatId, streamId).then(
          () => {
            this.#writeCount += 1;
          },
          () => {
            // `close` clears it again.
          },
        );
      }
    });
  }

  #pollStop(): void {
    const { tenantId, chatId, requestedAt } = this.#stream;
    this.#stopPoll = setTimeout(async () => {
      try {
        // By time, not by the marker's flag: a newer question may have taken the marker (and
        // cleared its flag) before this poll, and a stop processed late may flag a newer
        // question's marker that it must not stop.
        const stopAt = await this.#log.stopRequestedAt(tenantId, chatId);
        if (this.#closed) return;
        if (stopAt !== undefined && stopAt >= requestedAt) {
          this.#options.onStop();
          return;
        }
      } catch {
        // The next poll tries again; the answer itself does not depend on the flag.
      }
      if (!this.#closed) this.#pollStop();
    }, this.#options.stopPollMs);
  }
}
