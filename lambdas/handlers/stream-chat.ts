import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { loadRuntimeConfig } from '../composition/runtime-config.js';
import { composeStreamChat } from '../composition/stream-chat.js';
import type { AnswerEvent, AnswerQuestion } from '../core/chat/answer-question.js';
import { UI_MESSAGE_STREAM_HEADERS } from '../core/chat/ui-message-stream.js';
import { HttpProblem } from '../core/problem.js';
import { parseStreamRequest } from '../core/schemas/stream-chat.js';
import { answerEventStream } from '../http/answer-event-stream.js';
import { authenticate, type CallerResolver, tenantOf } from '../http/authenticate.js';
import { bodyLimit } from '../http/body-limit.js';
import { deferredHandler } from '../http/deferred-handler.js';
import type { ApiContext, HttpEvent } from '../http/http-types.js';
import { problemJson } from '../http/problem-json.js';
import { validationProblem } from '../http/to-problem.js';
import { streamUnavailable } from '../http/unavailable.js';

/** Dependencies of the streaming chat function. */
export interface StreamChatDeps {
  logger: Logger;
  resolver: CallerResolver;
  maxBodyBytes: number;
  answerQuestion: Pick<AnswerQuestion, 'stream'>;
  /** Comment frames keep idle connections open at this interval (default 15 s). */
  pingIntervalMs?: number;
  /** The upstream call is stopped this long before the function's timeout (default 3 s). */
  budgetMarginMs?: number;
}

/** Why an answer stream was cut, as the `error` part tells the client. */
class StreamCut extends Error {}

const onlyPost = (): MiddlewareObj<HttpEvent> => ({
  before: (request) => {
    if (request.event.requestContext.http.method !== 'POST') {
      throw new HttpProblem(405, {
        detail: 'The streaming endpoint accepts POST only',
        headers: { allow: 'POST' },
      });
    }
  },
});

const describeError = (error: unknown): string => {
  if (error instanceof StreamCut) return error.message;
  const reason =
    error instanceof Error && error.cause instanceof StreamCut ? error.cause : undefined;
  if (reason) return reason.message;
  if (error instanceof HttpProblem) return error.detail;
  return 'The answer failed upstream; what was received so far has been kept.';
};

/**
 * Builds the streaming chat function behind a Lambda function URL (`RESPONSE_STREAM`), with
 * Middy v7's `executionModeStreamifyResponse` and the same authentication middleware as the
 * HTTP API. Authentication, validation, body size, and failures before the first token
 * (retrieval, an unknown session) are answered with a status and a problem document before
 * any byte of the stream. The stream follows the AI SDK UI message stream protocol v1, so
 * `useChat` with `DefaultChatTransport` works unchanged. A client that goes away, or the time
 * budget running out, aborts the upstream model call at once. CORS is the function URL's own
 * configuration (it answers preflights and sets the headers), so the handler adds none.
 *
 * @example
 * export const handler = createHandler({ logger, resolver, corsOrigins, maxBodyBytes, answerQuestion });
 */
export const createHandler = (deps: StreamChatDeps) =>
  middy<LambdaFunctionURLEvent, unknown, Error, ApiContext>({
    executionMode: executionModeStreamifyResponse,
    timeoutEarlyInMillis: 0,
  })
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use(problemJson(deps.logger))
    .use(onlyPost())
    .use(bodyLimit(deps.maxBodyBytes))
    .use(
      authenticate<HttpEvent>({
        resolver: deps.resolver,
        isPublic: () => false,
        authorization: (event) => event.headers.authorization,
      }),
    )
    .use(httpJsonBodyParser())
    .handler(async (event, context) => {
      const parsed = parseStreamRequest(event.body);
      if (!parsed.success) throw validationProblem(parsed.error);

      const abort = new AbortController();
      const budgetMs = context.getRemainingTimeInMillis() - (deps.budgetMarginMs ?? 3_000);
      const budget = setTimeout(
        () => abort.abort(new StreamCut('The answer was cut: the time budget ran out.')),
        Math.max(1, budgetMs),
      );
      const events: AsyncGenerator<AnswerEvent> = deps.answerQuestion.stream({
        tenantId: tenantOf(context),
        ...parsed.data,
        createIfMissing: true,
        signal: abort.signal,
      });
      const first = await events.next().catch((error: unknown) => {
        clearTimeout(budget);
        throw error;
      });
      if (first.done || first.value.type !== 'start') {
        clearTimeout(budget);
        throw new Error('the answer stream did not start');
      }
      abort.signal.addEventListener('abort', () => clearTimeout(budget));
      const body = answerEventStream(first.value, events, {
        abort,
        pingIntervalMs: deps.pingIntervalMs ?? 15_000,
        describeError,
      });
      body.once('end', () => clearTimeout(budget));
      return { statusCode: 200, headers: { ...UI_MESSAGE_STREAM_HEADERS }, body };
    });

/** The Lambda entry point. */
export const handler = await deferredHandler(
  async () => createHandler(await composeStreamChat(loadRuntimeConfig(process.env))),
  streamUnavailable,
);
