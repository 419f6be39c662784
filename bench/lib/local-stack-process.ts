import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LocalStackOptions } from '../../dev/local-stack.js';
import { NODE_BIN, TSX_LOADER } from './paths.js';

/** Messages between the bench and the local stack's process. */
export type LocalStackProcessMessage =
  | { type: 'ready'; apiUrl: string; apiKey: string }
  | { type: 'close' };

/** The local stack in a process of its own. */
export interface LocalStackProcess {
  apiUrl: string;
  apiKey: string;
  close(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./local-stack-process-main.ts', import.meta.url));

/**
 * Starts the local stack in a child process, as `npm run dev` runs it, so that the clients
 * the bench plays (the ingest uploads, the status polls, the `/health` probe) run in another
 * process, as a user's `npm run ingest` and `curl` do, and the stack's thread serves requests
 * only.
 *
 * @example
 * const stack = await startLocalStackProcess({ port: 0, streamPort: 0, dataDir: 'bench/.work/ingest' });
 */
export const startLocalStackProcess = async (
  options: LocalStackOptions,
): Promise<LocalStackProcess> => {
  const child = fork(ENTRY, [], {
    execPath: NODE_BIN,
    execArgv: ['--import', TSX_LOADER],
    env: { ...process.env, BENCH_LOCAL_STACK_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<Extract<LocalStackProcessMessage, { type: 'ready' }>>(
    (resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the local stack process exited (${code})`)));
      child.on('message', (message: LocalStackProcessMessage) => {
        if (message.type === 'ready') resolve(message);
      });
    },
  );
  return {
    apiUrl: ready.apiUrl,
    apiKey: ready.apiKey,
    close: async () => {
      child.send({ type: 'close' } satisfies LocalStackProcessMessage);
      await exited;
    },
  };
};
