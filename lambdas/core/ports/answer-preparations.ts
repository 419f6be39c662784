import type { ActiveStream } from './stream-log.js';

/**
 * An answer admitted on a chat whose stream has not begun yet: its question is being embedded,
 * its passages retrieved, its prompt built. It has no stream id yet (the answer's message id is
 * made as it starts), so its own id names it.
 */
export interface PreparingAnswer {
  preparationId: string;
  /** Epoch ms past which its writer cannot be running any more (its function's deadline). */
  deadlineAt: number;
}

/**
 * What a resume reads of a chat in one consistent read: its active stream, its answers being
 * prepared and the stream that ended last, together, so that an answer that begins and ends
 * between two reads is not missed.
 */
export interface ChatStreamView {
  /** As `StreamLog.active` reads it. */
  active?: ActiveStream;
  /** The chat's answers admitted and not begun yet (an abandoned writer's until its deadline). */
  preparing: PreparingAnswer[];
  /** As `StreamLog.lastEnded` reads it. */
  lastEnded?: string;
}

/**
 * Port for the chat's answers being prepared, beside its `StreamLog`: a resume that comes
 * before an answer's stream began (a page reloaded right after its question was sent) waits for
 * it instead of finding nothing. A preparation changes nothing a stop sees: a stop while it lasts
 * is kept for the answer as when none is noted. Every method is scoped by tenant and chat id.
 */
export interface AnswerPreparations {
  /**
   * Notes an answer being prepared on the chat. The `StreamLog.begin` of its stream, given
   * the same `preparationId`, clears it in the same write; {@link AnswerPreparations.abandon}
   * clears it when the answer will not begin.
   */
  prepare(tenantId: string, chatId: string, answer: PreparingAnswer): Promise<void>;
  /** Clears a preparation whose answer failed before its start. */
  abandon(tenantId: string, chatId: string, answer: PreparingAnswer): Promise<void>;
  /** The chat's active stream, answers being prepared and last ended stream (consistent). */
  view(tenantId: string, chatId: string): Promise<ChatStreamView>;
}
