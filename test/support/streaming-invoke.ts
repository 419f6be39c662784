import type { Context } from 'aws-lambda';
import {
  installAwsLambdaGlobal,
  LambdaResponseStream,
  type ResponsePrelude,
} from '../../dev/lambda-response-stream.js';

/** A chunk as the client received it. */
export interface ClientRead {
  text: string;
  at: number;
}

/** What a client saw of a streamed invocation. */
export interface StreamedResponse {
  prelude: ResponsePrelude;
  contentType: string;
  /** Every write of the function after the prelude, with its time. */
  writes: { text: string; at: number }[];
  /** What the client received, read by read, under the front end's hold-back rule. */
  reads: ClientRead[];
  body: string;
  /** Resolves when the invocation has returned. */
  done: Promise<void>;
}

/**
 * Invokes a streaming handler (built with `awslambda.streamifyResponse`, as Middy's
 * `executionModeStreamifyResponse` does) through a stand-in of the Lambda runtime's response
 * stream and of the function URL front end in front of it.
 *
 * The front end is modelled as reported for Lambda function URLs: it holds back the latest
 * chunk of the stream until the next chunk arrives or the stream ends. `reads` are what the
 * client receives under that rule, so a handler that writes each token in one chunk would see
 * each token delayed until the next one.
 *
 * @example
 * const response = invokeStreaming(handler, event, lambdaContext());
 * await response.done;
 * expect(response.prelude.statusCode).toBe(200);
 */
export const invokeStreaming = (
  handler: unknown,
  event: unknown,
  context: Context,
  options: { closeAfterReads?: (reads: ClientRead[]) => boolean } = {},
): StreamedResponse => {
  installAwsLambdaGlobal();
  let held: Buffer | undefined;
  const response: StreamedResponse = {
    prelude: {},
    contentType: '',
    writes: [],
    reads: [],
    body: '',
    done: Promise.resolve(),
  };
  const release = () => {
    if (!held) return;
    response.reads.push({ text: held.toString('utf8'), at: performance.now() });
    held = undefined;
    if (options.closeAfterReads?.(response.reads)) {
      queueMicrotask(() => stream.destroy());
    }
  };
  const stream = new LambdaResponseStream({
    head: (prelude, contentType) => {
      response.prelude = prelude;
      response.contentType = contentType;
    },
    chunk: (data) => {
      response.writes.push({ text: data.toString('utf8'), at: performance.now() });
      response.body += data.toString('utf8');
      release();
      held = data;
    },
    end: release,
  });
  const invoke = handler as (
    event: unknown,
    stream: LambdaResponseStream,
    context: Context,
  ) => Promise<void>;
  response.done = invoke(event, stream, context).catch(() => undefined);
  return response;
};
