/**
 * Entry point of the child process {@link startLocalStackProcess} forks: the local stack
 * (`npm run dev`'s composition) with the options it was given, reporting its URLs and key over
 * IPC and closing when told.
 */
import { startLocalStack } from '../../dev/local-stack.js';
import type { LocalStackProcessMessage } from './local-stack-process.js';

const options = JSON.parse(process.env.BENCH_LOCAL_STACK_OPTIONS ?? '{}') as Parameters<
  typeof startLocalStack
>[0];
const stack = await startLocalStack(options);

const close = async () => {
  await stack.close();
  process.exit(0);
};
process.on('message', (message: LocalStackProcessMessage) => {
  if (message.type === 'close') void close();
});
process.on('disconnect', () => void close());
process.send?.({
  type: 'ready',
  apiUrl: stack.apiUrl,
  apiKey: stack.apiKey,
} satisfies LocalStackProcessMessage);
