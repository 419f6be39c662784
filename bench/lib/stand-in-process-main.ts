/**
 * Entry point of the child process {@link startStandInProcess} forks: the OpenAI stand-in,
 * serving embeddings after a fixed delay, reporting its embedding calls and tokens over IPC.
 */
import { estimateTokens } from '../../lambdas/core/text/estimate-tokens.js';
import { startOpenAiStandIn } from '../../test/support/openai-stand-in.js';
import type { StandInMessage, StandInStats } from './stand-in-process.js';

const delay = Number(process.env.EMBEDDING_DELAY_MS ?? '100');
const openai = await startOpenAiStandIn({ embeddingDelayMs: delay, logViolations: false });

const stats = (): StandInStats => {
  const embeddings = openai.requests.filter((request) => request.endpoint === 'embeddings');
  const tokens = embeddings.reduce((sum, request) => {
    const input = (request.body as { input?: unknown } | undefined)?.input;
    const texts = Array.isArray(input) ? input : [input];
    return (
      sum + texts.reduce((n, text) => n + (typeof text === 'string' ? estimateTokens(text) : 0), 0)
    );
  }, 0);
  return {
    calls: embeddings.length,
    tokens,
    inputs: embeddings.map((request) => {
      const input = (request.body as { input?: unknown } | undefined)?.input;
      return Array.isArray(input) ? input.length : 1;
    }),
    firstAt: embeddings[0]?.receivedAt ?? 0,
    lastAt: embeddings.at(-1)?.receivedAt ?? 0,
    violations: openai.violations.length,
  };
};

process.on('message', (message: StandInMessage) => {
  if (message.type === 'stats') process.send?.({ type: 'stats', id: message.id, stats: stats() });
  if (message.type === 'close') void openai.close().then(() => process.exit(0));
});
process.on('disconnect', () => void openai.close().then(() => process.exit(0)));
process.send?.({ type: 'ready', url: openai.url });
