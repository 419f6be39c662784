import { DynamoDbStreamLog } from '../adapters/dynamodb/dynamodb-stream-log.js';
import { systemClock } from '../core/ports/clock.js';
import type { StreamChatDeps } from '../handlers/stream-chat.js';
import { type AiComponents, composeAi } from './ai-components.js';
import { composeChat } from './chat-api.js';
import type { RuntimeConfig } from './runtime-config.js';
import { composeShared, type SharedComponents } from './shared.js';

/**
 * Composes the streaming chat function's dependencies, once per container.
 *
 * @example
 * const deps = await composeStreamChat(loadRuntimeConfig(process.env));
 */
export const composeStreamChat = async (
  config: RuntimeConfig,
  shared: SharedComponents = composeShared(config),
  ai?: AiComponents,
): Promise<StreamChatDeps> => {
  const { answerQuestion, sessions } = composeChat(config, shared, ai ?? (await composeAi(config)));
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
      ? { resumable: { log, sessions, flushIntervalMs: config.STREAM_FLUSH_INTERVAL_MS } }
      : {}),
  };
};
