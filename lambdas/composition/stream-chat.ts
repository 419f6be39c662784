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
): Promise<StreamChatDeps> => ({
  ...shared.http,
  answerQuestion: composeChat(config, shared, ai ?? (await composeAi(config))).answerQuestion,
});
