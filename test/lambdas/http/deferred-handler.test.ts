import type { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  installAwsLambdaGlobal,
  LambdaResponseStream,
} from '../../../dev/lambda-response-stream.js';
import { deferredHandler } from '../../../lambdas/http/deferred-handler.js';
import { httpUnavailable, streamUnavailable } from '../../../lambdas/http/unavailable.js';

type Handler = (event: { rawPath?: string }) => Promise<unknown>;

/** A composition that fails `failures` times, then builds a handler answering 200. */
const flakyComposition = (failures: number) => {
  let attempts = 0;
  const compose = async (): Promise<Handler> => {
    attempts += 1;
    if (attempts <= failures) throw new Error('Secrets Manager is unreachable');
    return async () => ({ statusCode: 200 });
  };
  return { compose, attempts: () => attempts };
};

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const runtimeApi = process.env.AWS_LAMBDA_RUNTIME_API;

describe('deferredHandler', () => {
  describe('in Lambda (AWS_LAMBDA_RUNTIME_API set)', () => {
    beforeEach(() => {
      process.env.AWS_LAMBDA_RUNTIME_API = '127.0.0.1:9001';
    });
    afterEach(() => {
      if (runtimeApi === undefined) delete process.env.AWS_LAMBDA_RUNTIME_API;
      else process.env.AWS_LAMBDA_RUNTIME_API = runtimeApi;
    });

    it('returns the composed handler itself when composition succeeds at init', async () => {
      const built: Handler = async () => ({ statusCode: 200 });

      const handler = await deferredHandler(async () => built, httpUnavailable);

      expect(handler).toBe(built);
    });

    it('does not fail the init when composition fails: it answers 503 problem+json with Retry-After', async () => {
      const flaky = flakyComposition(2);

      const handler = await deferredHandler(flaky.compose, httpUnavailable);
      const reply = (await handler({ rawPath: '/v1/chat' })) as {
        statusCode: number;
        headers: Record<string, string>;
        body: string;
      };

      expect(reply.statusCode).toBe(503);
      expect(reply.headers).toMatchObject({
        'content-type': 'application/problem+json',
        'retry-after': '5',
      });
      expect(JSON.parse(reply.body)).toMatchObject({ status: 503, instance: '/v1/chat' });
    });

    it('composes again on the next request and serves once the dependency is back', async () => {
      const flaky = flakyComposition(2);
      const handler = await deferredHandler(flaky.compose, httpUnavailable);

      const second = await handler({});
      const third = await handler({});
      await handler({});

      expect(second).toMatchObject({ statusCode: 503 });
      expect(third).toEqual({ statusCode: 200 });
      expect(flaky.attempts()).toBe(3);
    });

    it('throws the failure when no answer is given (an SQS batch is then retried)', async () => {
      const flaky = flakyComposition(5);

      const handler = await deferredHandler(flaky.compose);

      await expect(handler({})).rejects.toThrow('Secrets Manager is unreachable');
    });

    it('keeps the streaming marker on the retrying handler and writes the 503 before any part', async () => {
      installAwsLambdaGlobal();
      const flaky = flakyComposition(2);
      const handler = (await deferredHandler(
        flaky.compose as never,
        streamUnavailable,
      )) as unknown as (event: unknown, stream: Writable) => Promise<void>;
      const written: string[] = [];
      let head: unknown;
      const stream = new LambdaResponseStream({
        head: (prelude) => {
          head = prelude;
        },
        chunk: (data) => written.push(data.toString('utf8')),
        end: () => undefined,
      });

      await handler({ rawPath: '/' }, stream);

      expect((handler as unknown as Record<symbol, unknown>)[STREAMING]).toBe('response');
      expect(head).toMatchObject({
        statusCode: 503,
        headers: { 'content-type': 'application/problem+json', 'retry-after': '5' },
      });
      expect(JSON.parse(written.join(''))).toMatchObject({ status: 503 });
    });
  });

  it('outside Lambda, composes on the first call only', async () => {
    const flaky = flakyComposition(0);

    const handler = await deferredHandler(flaky.compose);
    const before = flaky.attempts();
    await handler({});
    await handler({});

    expect(before).toBe(0);
    expect(flaky.attempts()).toBe(1);
  });
});
