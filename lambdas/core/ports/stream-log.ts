import type { UiMessagePart } from '../chat/ui-message-stream.js';

/** The answer a chat is streaming right now, as its session records it. */
export interface ActiveStream {
  streamId: string;
  /** Epoch ms past which the writer cannot be running any more (its function's deadline). */
  deadlineAt: number;
  /**
   * Set by the stop route on a running answer: a regenerate waits for it to end. (The writer
   * stops by the time of the chat's latest stop, {@link StreamLog.stopRequestedAt}.)
   */
  stopRequested: boolean;
}

/** A stream about to begin: its marker, and when its request arrived (epoch ms). */
export interface BeginningStream extends Omit<ActiveStream, 'stopRequested'> {
  /**
   * When the stream's request arrived (epoch ms, the front end's clock, as the stop's): a stop
   * whose request arrived at or after it stops the stream.
   */
  requestedAt: number;
  /** The answer's preparation (`AnswerPreparations.prepare`), cleared by the same write. */
  preparationId?: string;
}

/**
 * What a stop request found: a `running` answer, now flagged, or none yet (`pending`): the stop
 * is kept for an answer whose request arrived before it and whose marker is not written yet.
 */
export type StopOutcome = 'running' | 'pending';

/** A run of consecutive parts of one stream, written in one request. */
export interface StreamBatch {
  /** 0, 1, 2… in the order the parts were sent. */
  seq: number;
  parts: UiMessagePart[];
  /** The stream's last batch: it ends with `finish` or `error`. */
  final: boolean;
}

/**
 * Port for the recording of answer streams, so that a client that lost its connection can
 * replay an answer and follow it live. Every method is scoped by tenant and chat (session) id.
 */
export interface StreamLog {
  /**
   * Records `stream` as the chat's active stream, replacing any earlier one. `stopRequested`
   * when a stop whose request came at or after `stream.requestedAt` is kept for the chat (it
   * came while the stream was prepared, before this marker): the writer stops at once.
   */
  begin(
    tenantId: string,
    chatId: string,
    stream: BeginningStream,
  ): Promise<{ stopRequested: boolean }>;
  /** Appends a batch of the stream's parts. */
  append(tenantId: string, chatId: string, streamId: string, batch: StreamBatch): Promise<void>;
  /**
   * The chat's active stream, if any. `consistent` reads the latest write (readers deciding
   * whether to replay); without it a read may lag by a moment (the writer's stop polling).
   */
  active(
    tenantId: string,
    chatId: string,
    options?: { consistent?: boolean },
  ): Promise<ActiveStream | undefined>;
  /**
   * When the chat's latest stop was requested (epoch ms, the front end's clock), whichever
   * stream holds the marker now, or undefined without one; a read may lag by a moment. A writer
   * stops when it is at or after its own request's arrival: a stop reaches every answer asked
   * before it, even once a newer question took the marker, and never one asked after it.
   */
  stopRequestedAt(tenantId: string, chatId: string): Promise<number | undefined>;
  /**
   * The id of the chat's stream whose {@link StreamLog.end} cleared the marker last, if any (a
   * consistent read). A reader that finds no active stream tells by it whether its own writer
   * ended or a newer answer began and ended meanwhile.
   */
  lastEnded(tenantId: string, chatId: string): Promise<string | undefined>;
  /** The stream's batches from `fromSeq` on, in order (possibly none yet). */
  read(tenantId: string, chatId: string, streamId: string, fromSeq: number): Promise<StreamBatch[]>;
  /**
   * Flags the active stream to stop (`running`). Without one, or with a marker whose deadline
   * is before `staleBefore` (its writer is gone), keeps the stop for a stream being prepared
   * (`pending`), which {@link StreamLog.begin} reports. Either way the stop's `requestedAt` is
   * kept with the chat until it ends, so every stream whose request came before the stop stops
   * when it begins, in whatever order the streams begin.
   */
  requestStop(
    tenantId: string,
    chatId: string,
    options: { staleBefore: number; requestedAt: number },
  ): Promise<StopOutcome>;
  /** Clears the chat's active stream, unless another stream has replaced it. */
  end(tenantId: string, chatId: string, streamId: string): Promise<void>;
}
