import type { StreamLog } from '../ports/stream-log.js';

/** Timing of {@link stoppedAnswerEnded}. */
export interface StoppedAnswerWait {
  /** The longest wait (default 5 s): a writer stops within its stop poll, then stores. */
  maxWaitMs?: number;
  /** Pause between checks (default 50 ms). */
  pollMs?: number;
  now?: () => number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once the chat's running answer that a stop reached has ended, that is, once its
 * writer stored what it had said and cleared the marker; at once when no such answer runs.
 * useChat's `regenerate()` right after a stop asks again for the answer being stopped: read
 * before that answer is stored, the history would end with the previous turn, and the question
 * would be stored a second time instead of its answer being replaced.
 *
 * @example
 * await stoppedAnswerEnded(log, 'acme', 'chat-1'); // then read the history
 */
export const stoppedAnswerEnded = async (
  log: Pick<StreamLog, 'active'>,
  tenantId: string,
  chatId: string,
  options: StoppedAnswerWait = {},
): Promise<void> => {
  const now = options.now ?? Date.now;
  const stopping = await log.active(tenantId, chatId, { consistent: true });
  if (!stopping?.stopRequested) return;
  const giveUpAt = Math.min(now() + (options.maxWaitMs ?? 5_000), stopping.deadlineAt);
  while (now() < giveUpAt) {
    await sleep(options.pollMs ?? 50);
    const active = await log.active(tenantId, chatId, { consistent: true });
    if (active?.streamId !== stopping.streamId) return;
  }
};
