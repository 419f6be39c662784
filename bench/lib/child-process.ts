import { spawn } from 'node:child_process';
import { NODE_BIN, PROJECT_ROOT } from './paths.js';

/** What a finished child process printed. */
export interface ChildOutput {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Options of {@link runNode}. */
export interface RunNodeOptions {
  /** The whole environment of the child (not merged with this process's). */
  env: Record<string, string>;
  /** Kill the child after this long (default 120 s). */
  timeoutMs?: number;
}

/**
 * Runs `node <args>` (the project's Node 24) in the project root and collects its output.
 *
 * @throws Error when the child exits with a non-zero code or times out.
 * @example
 * const { stdout } = await runNode(['-e', 'console.log(1)'], { env: { PATH: process.env.PATH ?? '' } });
 */
export const runNode = (args: readonly string[], options: RunNodeOptions): Promise<ChildOutput> =>
  new Promise((resolve, reject) => {
    const child = spawn(NODE_BIN, args, {
      cwd: PROJECT_ROOT,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr, code });
      else reject(new Error(`node ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });

/** The marker before the JSON result a child prints as its last line. */
export const RESULT_MARKER = '@@bench-result ';

/**
 * Reads the JSON a child printed after {@link RESULT_MARKER}.
 *
 * @throws Error when no such line was printed.
 */
export const parseChildResult = (stdout: string): unknown => {
  const line = stdout
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith(RESULT_MARKER));
  if (line === undefined) throw new Error(`no result in the child's output: ${stdout.slice(-500)}`);
  return JSON.parse(line.slice(RESULT_MARKER.length));
};

/**
 * A minimal environment for child processes: PATH and HOME only, so that neither Lambda
 * variables (`AWS_LAMBDA_RUNTIME_API`) nor this shell's settings change what is measured.
 */
export const cleanEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  ...extra,
});
