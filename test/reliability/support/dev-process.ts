import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `npm run dev` running in a child process, as a user starts it. */
export interface DevProcess {
  apiUrl: string;
  streamUrl: string;
  apiKey: string;
  /** Kills the process at once (SIGKILL): no shutdown handler runs, nothing is flushed. */
  kill(): Promise<void>;
  /** Stops it as Ctrl-C does. */
  stop(): Promise<void>;
}

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXPORT_LINE = /export API_URL=(\S+) STREAM_URL=(\S+) API_KEY=(\S+)/;

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/**
 * Starts the local stack's entry point (`dev/main.ts`, what `npm run dev` runs) on free ports
 * over `dataDir`, and reads its URLs and key from the `export` line it prints.
 *
 * @example
 * const dev = await startDevProcess('/tmp/data');
 * await dev.kill(); // a crash: the next start must recover whatever was in flight
 */
export const startDevProcess = async (
  dataDir: string,
  env: Record<string, string> = {},
): Promise<DevProcess> => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: '0', STREAM_PORT: '0', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = EXPORT_LINE.exec(output);
      if (match) resolve(match);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`npm run dev exited at start (${code ?? signal}): ${output.slice(-2_000)}`)),
    );
  });
  return {
    apiUrl: ready[1]!,
    streamUrl: ready[2]!,
    apiKey: ready[3]!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
    stop: async () => {
      child.kill('SIGINT');
      await exited(child);
    },
  };
};
