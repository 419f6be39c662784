import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../dev/serve-http-api.js';

/** What a function answered to one invocation. */
export interface InvocationResult {
  requestId: string;
  /** The runtime posted the response in `streaming` mode. */
  streaming: boolean;
  /** `Content-Type` of the posted response. */
  contentType: string | undefined;
  /** The response body as posted (for a function URL stream, prelude included). */
  body: Buffer;
  /** Each piece of the body as it arrived, with its arrival time (`performance.now()`). */
  chunks: { data: Buffer; at: number }[];
  /** A function error (`/error`, an init error, or a streaming error trailer). */
  error?: { type: string; body: string };
}

/** Callbacks that see a streamed response while it arrives. */
export interface InvocationObserver {
  onHead?(contentType: string | undefined): void;
  onData?(data: Buffer): void;
}

interface PendingInvocation {
  requestId: string;
  event: unknown;
  deadlineMs: number;
  observer: InvocationObserver;
  resolve(result: InvocationResult): void;
}

/** A running {@link startRuntimeApiServer}. */
export interface RuntimeApiServer {
  /** `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`. */
  readonly address: string;
  /** Init errors the runtime reported, in order. */
  readonly initErrors: { type: string; body: string }[];
  /** Requests that broke the Runtime API's rules (unknown path, unknown request id, …). */
  readonly violations: string[];
  /** Invocations queued and not yet handed to the runtime. */
  readonly queued: number;
  /** When each `GET /invocation/next` arrived (`performance.now()`): the first marks the end of init. */
  readonly nextCalls: readonly number[];
  /** Queues an event; resolves with the function's answer. */
  invoke(
    event: unknown,
    options?: { timeoutMs?: number; observer?: InvocationObserver },
  ): Promise<InvocationResult>;
  close(): Promise<void>;
}

const PREFIX = '/2018-06-01/runtime';

const accepted = (response: ServerResponse) => {
  response.writeHead(202, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ status: 'OK' }));
};

const refuse = (response: ServerResponse, status: number, errorType: string, message: string) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ errorMessage: message, errorType }));
};

/**
 * The Lambda Runtime API (2018-06-01) for one execution environment, as specified in
 * `lambda-runtime-api.yaml`: `GET /runtime/invocation/next` long-polls for the next event
 * (with the request id, deadline, function ARN and trace headers), `POST
 * /runtime/invocation/{id}/response` takes a buffered or streamed (`Lambda-Runtime-Function-
 * Response-Mode: streaming`, chunked, error trailers) response, `…/error` a function error
 * and `/runtime/init/error` an init failure, which answers the waiting invocation as Lambda
 * does. One invocation at a time, as in one Lambda execution environment.
 *
 * @example
 * const api = await startRuntimeApiServer('arn:aws:lambda:us-east-1:123456789012:function:chat');
 * // spawn the runtime client with AWS_LAMBDA_RUNTIME_API=api.address, then:
 * const result = await api.invoke(event);
 */
export const startRuntimeApiServer = async (functionArn: string): Promise<RuntimeApiServer> => {
  const queue: PendingInvocation[] = [];
  const inFlight = new Map<string, PendingInvocation>();
  const waiting: ServerResponse[] = [];
  const initErrors: { type: string; body: string }[] = [];
  const violations: string[] = [];
  const nextCalls: number[] = [];

  let unservedInitError: { type: string; body: string } | undefined;
  const serveInitError = () => {
    const invocation = unservedInitError ? queue.shift() : undefined;
    if (!invocation || !unservedInitError) return;
    const error = unservedInitError;
    unservedInitError = undefined;
    invocation.resolve({
      requestId: invocation.requestId,
      streaming: false,
      contentType: 'application/json',
      body: Buffer.from(error.body),
      chunks: [],
      error,
    });
  };

  const deliver = () => {
    while (queue.length > 0 && waiting.length > 0) {
      const invocation = queue.shift() as PendingInvocation;
      const response = waiting.shift() as ServerResponse;
      if (response.destroyed) {
        queue.unshift(invocation);
        continue;
      }
      inFlight.set(invocation.requestId, invocation);
      const body = JSON.stringify(invocation.event);
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'lambda-runtime-aws-request-id': invocation.requestId,
        'lambda-runtime-deadline-ms': String(invocation.deadlineMs),
        'lambda-runtime-invoked-function-arn': functionArn,
        'lambda-runtime-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)};Sampled=0`,
      });
      response.end(body);
    }
  };

  const receiveResponse = async (request: IncomingMessage, invocation: PendingInvocation) => {
    const streaming =
      String(request.headers['lambda-runtime-function-response-mode'] ?? '').toLowerCase() ===
      'streaming';
    const contentType = request.headers['content-type'];
    invocation.observer.onHead?.(contentType);
    const chunks: { data: Buffer; at: number }[] = [];
    for await (const data of request) {
      chunks.push({ data: data as Buffer, at: performance.now() });
      invocation.observer.onData?.(data as Buffer);
    }
    const errorType = request.trailers['lambda-runtime-function-error-type'];
    const errorBody = request.trailers['lambda-runtime-function-error-body'];
    return {
      requestId: invocation.requestId,
      streaming,
      contentType,
      body: Buffer.concat(chunks.map((chunk) => chunk.data)),
      chunks,
      ...(errorType
        ? {
            error: {
              type: errorType,
              body: errorBody ? Buffer.from(errorBody, 'base64').toString('utf8') : '',
            },
          }
        : {}),
    };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://runtime').pathname;
    if (request.method === 'GET' && path === `${PREFIX}/invocation/next`) {
      nextCalls.push(performance.now());
      waiting.push(response);
      deliver();
      return;
    }
    const invocationMatch = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(
      path,
    );
    if (request.method === 'POST' && invocationMatch) {
      const [, requestId = '', kind] = invocationMatch;
      const invocation = inFlight.get(requestId);
      if (!invocation) {
        await readBody(request);
        violations.push(`${kind} for an unknown request id ${requestId}`);
        refuse(response, 400, 'InvalidRequestID', `unknown request id ${requestId}`);
        return;
      }
      inFlight.delete(requestId);
      if (kind === 'error') {
        const body = (await readBody(request)).toString('utf8');
        const type = String(request.headers['lambda-runtime-function-error-type'] ?? 'Unknown');
        accepted(response);
        invocation.resolve({
          requestId,
          streaming: false,
          contentType: request.headers['content-type'],
          body: Buffer.from(body),
          chunks: [],
          error: { type, body },
        });
        return;
      }
      const result = await receiveResponse(request, invocation);
      accepted(response);
      invocation.resolve(result);
      return;
    }
    if (request.method === 'POST' && path === `${PREFIX}/init/error`) {
      const body = (await readBody(request)).toString('utf8');
      const type = String(request.headers['lambda-runtime-function-error-type'] ?? 'Unknown');
      initErrors.push({ type, body });
      accepted(response);
      // Lambda serves an init error in response to the first invocation.
      unservedInitError = { type, body };
      serveInitError();
      return;
    }
    await readBody(request);
    violations.push(`${request.method} ${path} is not a Runtime API operation`);
    refuse(response, 404, 'NotFound', `${request.method} ${path}`);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      violations.push(`the Runtime API server failed: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    address: `127.0.0.1:${port}`,
    initErrors,
    violations,
    get queued() {
      return queue.length;
    },
    nextCalls,
    invoke: (event, options = {}) =>
      new Promise<InvocationResult>((resolve) => {
        queue.push({
          requestId: randomUUID(),
          event,
          deadlineMs: Date.now() + (options.timeoutMs ?? 30_000),
          observer: options.observer ?? {},
          resolve,
        });
        serveInitError();
        deliver();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
