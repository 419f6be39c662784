import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NODE_BIN, TSX_LOADER } from './paths.js';

/** What the stand-in's process counted of its embedding requests. */
export interface StandInStats {
  calls: number;
  /** Input tokens, estimated as the project estimates them (4 characters a token). */
  tokens: number;
  /** Inputs per request, in order. */
  inputs: number[];
  /** `performance.now()` of the child when the first and the last request arrived. */
  firstAt: number;
  lastAt: number;
  violations: number;
}

/** Messages between the bench and the stand-in's process. */
export type StandInMessage =
  | { type: 'ready'; url: string }
  | { type: 'stats'; id: number; stats?: StandInStats }
  | { type: 'close' };

/** The OpenAI stand-in in a process of its own. */
export interface StandInProcess {
  url: string;
  stats(): Promise<StandInStats>;
  close(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./stand-in-process-main.ts', import.meta.url));

/**
 * Starts the OpenAI stand-in in a child process, answering each embeddings request after
 * `embeddingDelayMs`: the model provider as the indexer sees it, on another machine, so that
 * the work measured in the bench's process is the project's own.
 *
 * @example
 * const standIn = await startStandInProcess(100);
 * const { calls, tokens } = await standIn.stats();
 */
export const startStandInProcess = async (embeddingDelayMs: number): Promise<StandInProcess> => {
  const child = fork(ENTRY, [], {
    execPath: NODE_BIN,
    execArgv: ['--import', TSX_LOADER],
    env: { ...process.env, EMBEDDING_DELAY_MS: String(embeddingDelayMs) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the stand-in process exited (${code})`)));
    child.on('message', (message: StandInMessage) => {
      if (message.type === 'ready') resolve(message.url);
    });
  });
  let next = 0;
  return {
    url,
    stats: () =>
      new Promise((resolve) => {
        const id = next++;
        const listener = (message: StandInMessage) => {
          if (message.type === 'stats' && message.id === id && message.stats) {
            child.off('message', listener);
            resolve(message.stats);
          }
        };
        child.on('message', listener);
        child.send({ type: 'stats', id } satisfies StandInMessage);
      }),
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'close' } satisfies StandInMessage);
      await exited;
    },
  };
};
