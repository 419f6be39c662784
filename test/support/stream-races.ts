/**
 * Helpers of the chat and stream race tests: gates (promises a test opens when it decides), a
 * wait for a condition, and streaming function instances whose stop polling or authentication
 * a test can hold.
 */
import { DynamoDbStreamLog } from '../../lambdas/adapters/dynamodb/dynamodb-stream-log.js';
import type { AnswerQuestion } from '../../lambdas/core/chat/answer-question.js';
import { systemClock } from '../../lambdas/core/ports/clock.js';
import type { SessionStore } from '../../lambdas/core/ports/session-store.js';
import type { StreamLog } from '../../lambdas/core/ports/stream-log.js';
import { createHandler } from '../../lambdas/handlers/stream-chat.js';
import type { DynaliteHandle } from './dynalite.js';
import { testHttpOptions } from './http-deps.js';

export interface Gate {
  promise: Promise<void>;
  open: () => void;
}

export const gate = (): Gate => {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
};

/** Resolves once `condition` holds (checked every 2 ms), or rejects after `timeoutMs`. */
export const until = async (condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const startedAt = Date.now();
  while (!condition()) {
    if (Date.now() - startedAt > timeoutMs) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

/** Waits until the wall clock has moved past `epochMs` (so two events get different times). */
export const after = async (epochMs: number) => until(() => Date.now() > epochMs);

export const dynamoLog = (db: DynaliteHandle) =>
  new DynamoDbStreamLog(db.documentClient, {
    tableName: db.tableName,
    clock: systemClock,
    ttlSeconds: 600,
  });

/** A stream log whose eventually consistent `active` reads (the writer's stop poll) wait for `held`. */
export const withHeldStopPolls = (log: StreamLog, held: Promise<void>): StreamLog => ({
  begin: (...args) => log.begin(...args),
  append: (...args) => log.append(...args),
  read: (...args) => log.read(...args),
  requestStop: (...args) => log.requestStop(...args),
  end: (...args) => log.end(...args),
  lastEnded: (...args) => log.lastEnded(...args),
  active: async (tenantId, chatId, options) => {
    if (!options?.consistent) await held;
    return log.active(tenantId, chatId, options);
  },
  stopRequestedAt: async (tenantId, chatId) => {
    await held;
    return log.stopRequestedAt(tenantId, chatId);
  },
});

/** A streaming chat function instance with resumable streams on `log`. */
export const streamInstance = (options: {
  answerQuestion: Pick<AnswerQuestion, 'stream'>;
  log: StreamLog;
  sessions: Pick<SessionStore, 'exists'>;
  /** Authentication waits for this (a cold start, a slow key lookup). */
  authHeld?: Promise<void>;
  stopPollMs?: number;
}) => {
  const http = testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 });
  const resolver = http.resolver;
  return createHandler({
    ...http,
    resolver: {
      execute: async (authorization?: string) => {
        await options.authHeld;
        return resolver.execute(authorization);
      },
    } as typeof resolver,
    answerQuestion: options.answerQuestion,
    resumable: {
      log: options.log,
      sessions: options.sessions,
      ...(options.stopPollMs ? { stopPollMs: options.stopPollMs } : {}),
    },
  });
};
