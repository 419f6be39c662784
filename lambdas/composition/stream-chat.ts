import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDbStreamLog } from '../adapters/dynamodb/dynamodb-stream-log.js';
import type { AnswerQuestion } from '../core/chat/answer-question.js';
import type { FollowOptions } from '../core/chat/follow-stream.js';
import type { ReleaseFollower, ReleaseStream } from '../core/limits/tenant-limiter.js';
import type { AnswerPreparations } from '../core/ports/answer-preparations.js';
import { systemClock } from '../core/ports/clock.js';
import type { SessionStore } from '../core/ports/session-store.js';
import type { StreamLog } from '../core/ports/stream-log.js';
import type { CallerResolver } from '../http/authenticate.js';
import type { RequestAdmitter } from '../http/limit-requests.js';
import type { AiComponents } from './ai-components.js';
import { composeChat, composePrimedAi } from './chat-api.js';
import type { RuntimeConfig } from './runtime-config.js';
import { composeShared, type SharedComponents } from './shared.js';

/** Resumable streaming: answers are recorded, followed by any request, stopped by the stop route. */
export interface ResumableStreams {
  log: StreamLog;
  /**
   * The chat's answers being prepared: when set, a resume that comes before the answer's stream
   * began waits (a few seconds at most) for it to begin, instead of finding nothing.
   */
  preparations?: AnswerPreparations;
  /** Tells an unknown chat (404) from one with nothing streaming (204). */
  sessions: Pick<SessionStore, 'exists'>;
  /** A recorded part waits at most this long before it is written (default 150 ms). */
  flushIntervalMs?: number;
  /** How often the writer reads the stop flag (default 200 ms). */
  stopPollMs?: number;
  /** Polling of readers that follow an answer. */
  follow?: Pick<FollowOptions, 'minPollMs' | 'maxPollMs' | 'deadlineMarginMs' | 'activeCheckMs'>;
}

/** What the handler needs to hold one of the tenant's concurrent stream slots. */
export interface StreamOpener {
  /** Takes a slot until `leaseUntil` or throws a 429 problem; resolves to its release. */
  openStream(tenantId: string, leaseUntil: Date): Promise<ReleaseStream>;
}

/** What the handler needs to hold one of the tenant's follower slots (a resume following). */
export interface FollowerOpener {
  /** Takes a follower slot until `leaseUntil` or throws a 429 problem; resolves to its release. */
  openFollower(tenantId: string, leaseUntil: Date): Promise<ReleaseFollower>;
}

/** Dependencies of the streaming chat function. */
export interface StreamChatDeps {
  logger: Logger;
  resolver: CallerResolver;
  maxBodyBytes: number;
  answerQuestion: Pick<AnswerQuestion, 'stream'>;
  /** Comment frames keep idle connections open at this interval (default 15 s). */
  pingIntervalMs?: number;
  /** The upstream call is stopped this long before the function's timeout (default 3 s). */
  budgetMarginMs?: number;
  /**
   * When set, answers survive their client: they are recorded, resumable with
   * `GET /{chatId}/stream` and stopped only by `POST /{chatId}/stop` (or the time budget).
   * When absent, a client that goes away aborts the model call.
   */
  resumable?: ResumableStreams;
  /**
   * Enforces the tenant's requests per minute on `POST /`, the resume and a stop that finds no
   * answer, its concurrent streams (a slot taken before the answer starts, freed when it ends)
   * before the stream starts, and its concurrent followers (a slot taken before a resume reads
   * anything, freed when its following ends).
   */
  limits?: RequestAdmitter & StreamOpener & FollowerOpener;
}

/**
 * Composes the streaming chat function's dependencies, once per container, and on Lambda
 * primes the chat's connections (`composePrimedAi`).
 *
 * @example
 * const deps = await composeStreamChat(loadRuntimeConfig(process.env));
 */
export const composeStreamChat = async (
  config: RuntimeConfig,
  shared: SharedComponents = composeShared(config),
  ai?: AiComponents,
): Promise<StreamChatDeps> => {
  const components = await composePrimedAi(config, shared, ai);
  const { answerQuestion, sessions } = composeChat(config, shared, components);
  const log = new DynamoDbStreamLog(shared.dynamo, {
    tableName: config.TABLE_NAME,
    clock: systemClock,
    ttlSeconds: config.STREAM_LOG_TTL_SECONDS,
  });
  return {
    ...shared.http,
    answerQuestion,
    ...(shared.limiter ? { limits: shared.limiter } : {}),
    ...(config.RESUMABLE_STREAMS
      ? {
          resumable: {
            log,
            preparations: log,
            sessions,
            flushIntervalMs: config.STREAM_FLUSH_INTERVAL_MS,
          },
        }
      : {}),
  };
};
