import type { RateLimitState } from '../limits/rate-limit-headers.js';
import type { AnswerPreparations } from '../ports/answer-preparations.js';
import type { StopOutcome, StreamLog } from '../ports/stream-log.js';

/** Counts one request against the tenant's requests per minute, or throws its 429 problem. */
export interface StopAdmitter {
  admitRequest(tenantId: string): Promise<RateLimitState>;
}

/** What {@link stopAnswer} needs. */
export interface StopAnswerDeps {
  log: Pick<StreamLog, 'active' | 'requestStop'>;
  /** The chat's answers being prepared; without it only a streaming answer is seen. */
  preparations?: Pick<AnswerPreparations, 'view'>;
  /** The tenant's requests per minute; without it no stop is counted (limits off). */
  admitter?: StopAdmitter;
}

/** A stop, when and what it asks for. */
export interface StopRequest {
  tenantId: string;
  chatId: string;
  /** When the stop's request arrived (epoch ms, the function URL front end's clock). */
  requestedAt: number;
  /** A marker or preparation whose deadline is before this (epoch ms) has no writer left. */
  staleBefore: number;
}

/** What a stop did: what it found, and the quota left when it was counted. */
export interface StopResult {
  outcome: StopOutcome;
  /** Set when the stop was counted against the requests per minute. */
  rate?: RateLimitState;
}

/**
 * Stops the chat's answer ({@link StreamLog.requestStop}): flags the one streaming, or keeps the
 * stop for one whose question was sent before it and which has not begun.
 *
 * Why some stops are counted: a stop that finds no answer writes the chat's `STREAM` item all
 * the same (so a stop that overtakes its question still wins), which would let any key write
 * items for any chat id at will. So a consistent read of the chat's marker comes first: a stop
 * that finds an answer streaming or being prepared (a live writer, or a live preparation) is
 * never counted, so an answer can always be stopped, past the limit too; a stop that finds
 * none is counted against the tenant's requests per minute before it writes, and past it is
 * refused with the limiter's 429, writing nothing. The only real answer such a refusal can miss
 * is one whose stop overtook the question's own admission (the moment between its arrival and
 * its preparation's note) while the tenant is over its rate; the 429's `Retry-After` says when
 * to send it again, and an answer still running then is stopped by it, uncounted. Refusing a
 * syntactically valid chat id, or one that is not the caller's session, would not do: a new
 * chat has no session until its first answer is stored, and any string is a valid id.
 *
 * @throws HttpProblem 429 when the stop finds no answer and the tenant is past its rate
 * @example
 * const { outcome, rate } = await stopAnswer({ log, preparations, admitter }, {
 *   tenantId: 'acme', chatId: 'chat-1', requestedAt: Date.now(), staleBefore: Date.now() - 5_000,
 * });
 */
export const stopAnswer = async (deps: StopAnswerDeps, stop: StopRequest): Promise<StopResult> => {
  const { tenantId, chatId, requestedAt, staleBefore } = stop;
  const live = (answer: { deadlineAt: number } | undefined) =>
    answer !== undefined && answer.deadlineAt >= staleBefore;
  const rate =
    deps.admitter && !(await hasLiveAnswer(deps, tenantId, chatId, live))
      ? await deps.admitter.admitRequest(tenantId)
      : undefined;
  const outcome = await deps.log.requestStop(tenantId, chatId, { staleBefore, requestedAt });
  return { outcome, ...(rate ? { rate } : {}) };
};

const hasLiveAnswer = async (
  deps: StopAnswerDeps,
  tenantId: string,
  chatId: string,
  live: (answer: { deadlineAt: number } | undefined) => boolean,
): Promise<boolean> => {
  if (!deps.preparations)
    return live(await deps.log.active(tenantId, chatId, { consistent: true }));
  const view = await deps.preparations.view(tenantId, chatId);
  return live(view.active) || view.preparing.some(live);
};
