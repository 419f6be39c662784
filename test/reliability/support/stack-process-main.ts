/**
 * Entry point of the child process that {@link startStackProcess} forks: the local stack
 * (`dev/local-stack.ts`, as `npm run dev` runs it) with the OpenAI and Qdrant stand-ins, driven
 * over IPC. A separate process, so that a request that crashes the server shows as a crash
 * instead of taking the test runner down with it.
 */
import { startLocalStack } from '../../../dev/local-stack.js';
import { startOpenAiStandIn } from '../../support/openai-stand-in.js';
import { startQdrantStandIn } from '../../support/qdrant-stand-in.js';
import type { ChildMessage, ChildOptions, ParentMessage } from './stack-process.js';

const options = JSON.parse(process.env.RELIABILITY_STACK_OPTIONS ?? '{}') as ChildOptions;
const send = (message: ChildMessage) => process.send?.(message);

const openai = await startOpenAiStandIn({ dimensions: 64, logViolations: false });
const qdrant = await startQdrantStandIn({ logViolations: false });
const stack = await startLocalStack({
  port: 0,
  streamPort: 0,
  dataDir: options.dataDir,
  logLevel: 'SILENT',
  env: {
    OPENAI_BASE_URL: openai.url,
    OPENAI_API_KEY: 'reliability',
    QDRANT_URL: qdrant.url,
    EMBEDDING_DIMENSIONS: '64',
    ...options.env,
  },
});
const otherTenantKey = await stack.issueApiKey('other-tenant');

let closing: Promise<void> | undefined;
const close = () => {
  closing ??= (async () => {
    await stack.close();
    await Promise.all([openai.close(), qdrant.close()]);
  })();
  return closing;
};

process.on('message', (message: ParentMessage) => {
  if (message.type === 'observe') {
    send({
      type: 'observed',
      id: message.id,
      observation: {
        queue: stack.queue.depth,
        deadLetters: stack.queue.deadLetters.length,
        points: qdrant.points('chunks').length,
        chatCompletions: openai.callCount('chat.completions'),
        embeddings: openai.callCount('embeddings'),
        openAiViolations: openai.violations.length,
        qdrantViolations: qdrant.violations.length,
      },
    });
  } else if (message.type === 'close') {
    void close().then(() => process.exit(0));
  }
});
process.on('disconnect', () => void close().then(() => process.exit(0)));

send({
  type: 'ready',
  apiUrl: stack.apiUrl,
  streamUrl: stack.streamUrl,
  apiKey: stack.apiKey,
  otherTenantKey,
});
