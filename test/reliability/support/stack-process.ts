import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QueueDepth } from '../../../lambdas/adapters/local/in-process-queue.js';

/** Options of the forked stack. */
export interface StackProcessOptions {
  /** Extra environment of the stack (`MAX_BODY_BYTES`, …). */
  env?: Record<string, string>;
}

/** What the child process is given. */
export interface ChildOptions extends StackProcessOptions {
  dataDir: string;
}

/** What the stack's process reports about the state a client cannot list. */
export interface StackObservation {
  queue: QueueDepth;
  deadLetters: number;
  /** Points in the Qdrant stand-in's collection. */
  points: number;
  chatCompletions: number;
  embeddings: number;
  openAiViolations: number;
  qdrantViolations: number;
}

/** Messages from the test to the stack's process. */
export type ParentMessage = { type: 'observe'; id: number } | { type: 'close' };

/** Messages from the stack's process to the test. */
export type ChildMessage =
  | { type: 'ready'; apiUrl: string; streamUrl: string; apiKey: string; otherTenantKey: string }
  | { type: 'observed'; id: number; observation: StackObservation };

/** A local stack running in a child process. */
export interface StackProcess {
  apiUrl: string;
  streamUrl: string;
  /** Key of the tenant `local`. */
  apiKey: string;
  /** Key of another tenant, `other-tenant`. */
  otherTenantKey: string;
  /** Queue, dead letters, vector count and model calls, read inside the process. */
  observe(): Promise<StackObservation>;
  /** Why the process ended, if it did (exit code or signal, and the end of its stderr). */
  readonly death: string | undefined;
  /** Calls `listener` with {@link death} when the process ends. */
  onDeath(listener: (death: string) => void): void;
  close(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./stack-process-main.ts', import.meta.url));
const STDERR_TAIL = 4_000;

/**
 * Forks `stack-process-main.ts`: the local stack of `npm run dev` with the OpenAI and Qdrant
 * stand-ins, in its own process, so a request that crashes the server is seen as exactly that.
 *
 * @example
 * const stack = await startStackProcess({ env: { MAX_BODY_BYTES: '16384' } });
 * const { points } = await stack.observe();
 */
export const startStackProcess = async (
  options: StackProcessOptions = {},
): Promise<StackProcess> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'reliability-stack-'));
  const childOptions: ChildOptions = { ...options, dataDir };
  const child: ChildProcess = fork(ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, RELIABILITY_STACK_OPTIONS: JSON.stringify(childOptions) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
  });
  let death: string | undefined;
  const deathListeners: ((death: string) => void)[] = [];
  const pending = new Map<number, (observation: StackObservation) => void>();
  let nextId = 0;

  const ready = await new Promise<Extract<ChildMessage, { type: 'ready' }>>((resolve, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`the stack process exited at start (${code ?? signal}): ${stderr}`)),
    );
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') resolve(message);
      if (message.type === 'observed') pending.get(message.id)?.(message.observation);
    });
  });
  child.removeAllListeners('exit');
  child.on('exit', (code, signal) => {
    const reason = `exit ${code ?? signal}; stderr: ${stderr.trim() || '(empty)'}`;
    death = reason;
    for (const listener of deathListeners) listener(reason);
  });

  return {
    apiUrl: ready.apiUrl,
    streamUrl: ready.streamUrl,
    apiKey: ready.apiKey,
    otherTenantKey: ready.otherTenantKey,
    get death() {
      return death;
    },
    onDeath: (listener) => {
      deathListeners.push(listener);
    },
    observe: () =>
      new Promise((resolve, reject) => {
        if (death !== undefined) {
          reject(new Error(`the stack process is dead: ${death}`));
          return;
        }
        const id = nextId++;
        pending.set(id, (observation) => {
          pending.delete(id);
          resolve(observation);
        });
        child.send({ type: 'observe', id } satisfies ParentMessage);
      }),
    close: async () => {
      if (death === undefined && child.connected) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.send({ type: 'close' } satisfies ParentMessage);
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        if (death === undefined) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};
