import { DynamoDbApiKeyStore } from '../adapters/dynamodb/dynamodb-api-key-store.js';
import { DynamoDbLiveDocuments } from '../adapters/dynamodb/dynamodb-live-documents.js';
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
    documents: new DynamoDbLiveDocuments(shared.dynamo, config.TABLE_NAME),
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
 * The AI components (`ai`, else composed from `config`), with the connections a chat's first
 * request uses opened during a Lambda init: the table's (the API key lookup) at once, while
 * the AI components' secrets are read, then the vector store's (its collection check) and the
 * model's (a one-token embedding).
 *
 * @example
 * const components = await composePrimedAi(config, shared);
 */
export const composePrimedAi = async (
  config: RuntimeConfig,
  shared: SharedComponents,
  ai?: AiComponents,
): Promise<AiComponents> => {
  const table = primeAtLambdaInit(
    config,
    {
      dynamodb: () =>
        new DynamoDbApiKeyStore(shared.dynamo, config.TABLE_NAME).findByHash(PRIMING_KEY_HASH),
    },
    shared.logger,
  );
  const components = ai ?? (await composeAi(config));
  await Promise.all([
    table,
    primeAtLambdaInit(
      config,
      {
        vectors: () => components.vectorStore.ensureReady(),
        model: () => components.embedder.embed([PRIMING_TEXT]),
      },
      shared.logger,
    ),
  ]);
  return components;
};

/**
 * Composes the chat function's dependencies, once per container, and on Lambda primes its
 * connections ({@link composePrimedAi}).
 *
 * @example
 * const deps = await composeChatApi(loadRuntimeConfig(process.env));
 */
export const composeChatApi = async (
  config: RuntimeConfig,
  shared: SharedComponents = composeShared(config),
  ai?: AiComponents,
): Promise<ChatApiDeps> => {
  const components = await composePrimedAi(config, shared, ai);
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
