import { DynamoDbApiKeyStore } from '../adapters/dynamodb/dynamodb-api-key-store.js';
import { DynamoDbSessionStore } from '../adapters/dynamodb/dynamodb-session-store.js';
import { AnswerQuestion } from '../core/chat/answer-question.js';
import { BudgetedAnswers } from '../core/limits/budgeted-answers.js';
import { ReadUsage } from '../core/limits/read-usage.js';
import { systemClock } from '../core/ports/clock.js';
import type { SessionStore } from '../core/ports/session-store.js';
import type { HttpHandlerOptions } from '../http/create-http-handler.js';
import { type AiComponents, composeAi } from './ai-components.js';
import { PRIMING_KEY_HASH, PRIMING_TEXT, primeAtLambdaInit } from './prime-connections.js';
import type { RuntimeConfig } from './runtime-config.js';
import { composeShared, type SharedComponents } from './shared.js';

/** Dependencies of the chat function. */
export interface ChatApiDeps {
  http: Omit<HttpHandlerOptions, 'routes' | 'fallback'>;
  answerQuestion: Pick<AnswerQuestion, 'answer'>;
  sessions: SessionStore;
  /** The tenant's usage for `GET /v1/usage`; absent when limits are off (the route is then 404). */
  usage?: Pick<ReadUsage, 'execute'>;
  /** Time kept in reserve before the function's timeout to answer with a problem. */
  budgetMarginMs?: number;
}

/**
 * Builds the `AnswerQuestion` use case and the session store from configuration: shared by
 * the buffered chat function and the streaming one.
 */
export const composeChat = (config: RuntimeConfig, shared: SharedComponents, ai: AiComponents) => {
  const sessions = new DynamoDbSessionStore(shared.dynamo, {
    tableName: config.TABLE_NAME,
    clock: systemClock,
    ttlDays: config.SESSION_TTL_DAYS,
  });
  const answers = new AnswerQuestion({
    sessions,
    embedder: ai.embedder,
    vectors: ai.vectorStore,
    model: ai.chatModel,
    clock: systemClock,
    settings: {
      topK: config.RETRIEVAL_TOP_K,
      minScore: config.RETRIEVAL_MIN_SCORE,
      historyTokenBudget: config.HISTORY_TOKEN_BUDGET,
    },
  });
  const answerQuestion = shared.limiter
    ? new BudgetedAnswers(answers, shared.limiter, config.CHAT_MAX_TOKENS)
    : answers;
  return { sessions, answerQuestion };
};

/**
 * Opens, during a Lambda init, the connections a chat's first request uses: the table (the API
 * key lookup), the vector store (its collection check) and the model (a one-token embedding).
 */
export const primeChat = (config: RuntimeConfig, shared: SharedComponents, ai: AiComponents) =>
  primeAtLambdaInit(
    config,
    {
      dynamodb: () =>
        new DynamoDbApiKeyStore(shared.dynamo, config.TABLE_NAME).findByHash(PRIMING_KEY_HASH),
      vectors: () => ai.vectorStore.ensureReady(),
      model: () => ai.embedder.embed([PRIMING_TEXT]),
    },
    shared.logger,
  );

/**
 * Composes the chat function's dependencies, once per container, and on Lambda primes its
 * connections ({@link primeChat}).
 *
 * @example
 * const deps = await composeChatApi(loadRuntimeConfig(process.env));
 */
export const composeChatApi = async (
  config: RuntimeConfig,
  shared: SharedComponents = composeShared(config),
  ai?: AiComponents,
): Promise<ChatApiDeps> => {
  const components = ai ?? (await composeAi(config));
  await primeChat(config, shared, components);
  return {
    http: shared.http,
    ...composeChat(config, shared, components),
    ...(shared.limiter
      ? {
          usage: new ReadUsage({
            meter: shared.limiter.meter,
            limiter: shared.limiter,
            clock: systemClock,
          }),
        }
      : {}),
  };
};
