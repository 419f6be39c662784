import { type ChildProcess, spawn } from 'node:child_process';
import {
  type InvocationObserver,
  type InvocationResult,
  type RuntimeApiServer,
  startRuntimeApiServer,
} from './runtime-api-server.js';

/** How to run one function's bundle. */
export interface LambdaContainerOptions {
  /** Function name (also its AWS access key id, so recorded calls name it). */
  name: string;
  /** The bundle folder (`LAMBDA_TASK_ROOT`). */
  codeDirectory: string;
  /** The template's `Handler` (`_HANDLER`). */
  handler: string;
  /** The function's environment: the template's variables, tokens resolved, endpoints added. */
  environment: Record<string, string>;
  memorySize: number;
  /** The runtime client's entry point. */
  runtimeClientEntry: string;
  region: string;
  accountId: string;
}

/** A running {@link startLambdaContainer}. */
export interface LambdaContainer {
  readonly name: string;
  readonly runtimeApi: RuntimeApiServer;
  /** How many times the runtime process was started (a new init each time). */
  readonly initCount: number;
  /** When the runtime process was last spawned (`performance.now()`). */
  readonly startedAt: number;
  /** Every line the runtime wrote to stdout or stderr. */
  readonly logs: string[];
  /** Invokes the function; a runtime that exited is started again first, as Lambda does. */
  invoke(event: unknown, observer?: InvocationObserver): Promise<InvocationResult>;
  close(): Promise<void>;
}

/**
 * One Lambda execution environment for a synthesized bundle: AWS's runtime interface client
 * (`aws-lambda-ric`) in its own process, with only the variables Lambda sets
 * (`AWS_LAMBDA_RUNTIME_API`, `_HANDLER`, `LAMBDA_TASK_ROOT`, function name, memory, region,
 * credentials, JSON log format) and the function's own environment, its `NODE_OPTIONS`
 * included, talking to our Runtime API server. A process that exits (a failed init) is started
 * again on the next invocation, as Lambda starts a new init.
 *
 * @example
 * const chat = await startLambdaContainer({ name: 'ChatApi', codeDirectory, handler: 'index.handler', environment, ... });
 * const result = await chat.invoke(apiGatewayEvent);
 */
export const startLambdaContainer = async (
  options: LambdaContainerOptions,
): Promise<LambdaContainer> => {
  const functionArn = `arn:aws:lambda:${options.region}:${options.accountId}:function:${options.name}`;
  const runtimeApi = await startRuntimeApiServer(functionArn);
  const logs: string[] = [];
  let child: ChildProcess | undefined;
  let initCount = 0;
  let startedAt = 0;
  let closing = false;

  const start = () => {
    initCount += 1;
    startedAt = performance.now();
    const process_ = spawn(process.execPath, [options.runtimeClientEntry], {
      cwd: options.codeDirectory,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TZ: ':UTC',
        LANG: 'en_US.UTF-8',
        AWS_LAMBDA_RUNTIME_API: runtimeApi.address,
        _HANDLER: options.handler,
        LAMBDA_TASK_ROOT: options.codeDirectory,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        AWS_LAMBDA_FUNCTION_NAME: options.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memorySize),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${options.name}`,
        AWS_LAMBDA_LOG_STREAM_NAME: `artifact-test/${initCount}`,
        AWS_LAMBDA_LOG_FORMAT: 'JSON',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        AWS_REGION: options.region,
        AWS_DEFAULT_REGION: options.region,
        AWS_ACCESS_KEY_ID: options.name,
        AWS_SECRET_ACCESS_KEY: 'artifact-test',
        AWS_SESSION_TOKEN: 'artifact-test',
        ...options.environment,
      },
    });
    const collect = (data: Buffer) => {
      for (const line of data.toString('utf8').split('\n')) if (line) logs.push(line);
    };
    process_.stdout?.on('data', collect);
    process_.stderr?.on('data', collect);
    process_.once('exit', (code, signal) => {
      logs.push(`[runtime process exited: ${code ?? signal}]`);
      if (child === process_) child = undefined;
      // Lambda starts a new init for an invocation that arrives after a failed one.
      if (!closing && runtimeApi.queued > 0) start();
    });
    child = process_;
  };

  start();
  return {
    name: options.name,
    runtimeApi,
    get initCount() {
      return initCount;
    },
    get startedAt() {
      return startedAt;
    },
    logs,
    invoke: (event, observer) => {
      if (!child && !closing) start();
      return runtimeApi.invoke(event, { observer: observer ?? {} });
    },
    close: async () => {
      closing = true;
      const running = child;
      if (running) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        await exited;
      }
      await runtimeApi.close();
    },
  };
};
