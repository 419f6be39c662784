import type { AnswerPreparations } from '../ports/answer-preparations.js';
import type { ActiveStream } from '../ports/stream-log.js';
import { DEFAULT_DEADLINE_MARGIN_MS } from './follow-stream.js';

/** Timing of {@link streamToResume}. */
export interface ResumeWait {
  /** The longest wait for an answer being prepared to begin (default 5 s). */
  maxWaitMs?: number;
  /** Pause between reads while it is prepared (default 50 ms). */
  pollMs?: number;
  /** Past its deadline and this margin, a stream's writer is gone though its marker remains. */
  deadlineMarginMs?: number;
  now?: () => number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The stream a resume of the chat follows: its active stream; else, while an answer is being
 * prepared (its question admitted, its stream not begun: a page reloaded just after sending),
 * that answer's stream once it begins, or once it ended if it began and ended between two reads
 * (its recording is then replayed whole, a stopped answer's `finish` included). Undefined when
 * nothing runs or is prepared, when the preparation was abandoned (the answer failed before its
 * start), or when the answer has not begun within `maxWaitMs` (the resume finds nothing, as
 * before the wait). A writer past its deadline plus the margin is taken as gone.
 *
 * @example
 * const stream = await streamToResume(preparations, 'acme', 'chat-1');
 * if (stream) for await (const part of followStream(log, { tenantId, chatId, stream })) send(part);
 */
export const streamToResume = async (
  preparations: Pick<AnswerPreparations, 'view'>,
  tenantId: string,
  chatId: string,
  options: ResumeWait = {},
): Promise<ActiveStream | undefined> => {
  const now = options.now ?? Date.now;
  const margin = options.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS;
  const giveUpAt = now() + (options.maxWaitMs ?? 5_000);
  let view = await preparations.view(tenantId, chatId);
  // Any stream that ends from now on began after this read: it is the prepared answer's.
  const endedBefore = view.lastEnded;
  let deadlineAt: number | undefined;
  for (;;) {
    if (view.active && view.active.deadlineAt + margin >= now()) return view.active;
    if (deadlineAt !== undefined && view.lastEnded !== endedBefore && view.lastEnded) {
      return { streamId: view.lastEnded, deadlineAt, stopRequested: false };
    }
    const preparing = view.preparing.filter((answer) => answer.deadlineAt >= now());
    if (preparing.length === 0 || now() >= giveUpAt) return undefined;
    deadlineAt = Math.max(...preparing.map((answer) => answer.deadlineAt));
    await sleep(Math.max(1, Math.min(options.pollMs ?? 50, giveUpAt - now())));
    view = await preparations.view(tenantId, chatId);
  }
};
