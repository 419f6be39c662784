import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { loadRuntimeConfig } from '../composition/runtime-config.js';
import {
  composeStreamChat,
  type ResumableStreams,
  type StreamChatDeps,
} from '../composition/stream-chat.js';
import type { AnswerEvent } from '../core/chat/answer-question.js';
import { BudgetCut } from '../core/chat/budget-cut.js';
import { DEFAULT_DEADLINE_MARGIN_MS, followStream } from '../core/chat/follow-stream.js';
import { stopAnswer as stopChatAnswer } from '../core/chat/stop-answer.js';
import { stoppedAnswerEnded } from '../core/chat/stopped-answer-ended.js';
import { StreamRecorder } from '../core/chat/stream-recorder.js';
import { streamToResume } from '../core/chat/stream-to-resume.js';
import { UI_MESSAGE_STREAM_HEADERS } from '../core/chat/ui-message-stream.js';
import { rateLimitHeaders } from '../core/limits/rate-limit-headers.js';
import type { PreparingAnswer } from '../core/ports/answer-preparations.js';
import type { ActiveStream } from '../core/ports/stream-log.js';
import { HttpProblem, notFound } from '../core/problem.js';
import { afterRequestsWritten } from '../core/scheduling/after-requests-written.js';
import { parseStreamRequest } from '../core/schemas/stream-chat.js';
import { refuseRepeatedMembers } from '../core/text/repeated-member.js';
import { accessLog } from '../http/access-log.js';
import { answerEventStream, answerParts, uiMessageBody } from '../http/answer-event-stream.js';
import { authenticate, tenantOf } from '../http/authenticate.js';
import { bodyLimit } from '../http/body-limit.js';
import { correlateLogs } from '../http/correlate-logs.js';
import { deferredHandler } from '../http/deferred-handler.js';
import type { ApiContext, HttpEvent } from '../http/http-types.js';
import { limitRequests } from '../http/limit-requests.js';
import { acceptedMediaType } from '../http/media-type.js';
import { problemJson } from '../http/problem-json.js';
import { securityHeaders } from '../http/security-headers.js';
import { matchStreamRoute, routeShapeOf, type StreamRoute } from '../http/stream-routes.js';
import { outOfTime } from '../http/time-budget.js';
import { validationProblem } from '../http/to-problem.js';
import { streamUnavailable } from '../http/unavailable.js';
import { refuseNonUtf8Body } from '../http/utf8-body.js';
import { type HeldAnswer, waitForFirstToken } from '../http/wait-for-first-token.js';
import { wellFormedStrings } from '../http/well-formed-json.js';

/** A slot outlives the stream's deadline by this much, then frees itself (a crashed stream). */
const SLOT_LEASE_MARGIN_MS = 10_000;

/** Why an answer stream was cut, as the `error` part tells the client. */
class StreamCut extends Error {}

/** The abort reason of an answer stopped through the stop route. */
class StreamStopped extends Error {}

/**
 * A failure before the first token that the stream tells rather than a problem: a stop (the
 * answer ends `interrupted`) and a budget cut (the answer was stored, `incomplete`).
 */
const toldInStream = (error: unknown, signal: AbortSignal): boolean =>
  signal.reason instanceof StreamStopped || error instanceof BudgetCut;

const describeError = (error: unknown): string => {
  if (error instanceof StreamCut) return error.message;
  const reason =
    error instanceof Error && error.cause instanceof StreamCut ? error.cause : undefined;
  if (reason) return reason.message;
  if (error instanceof HttpProblem) return error.detail;
  return 'The answer failed upstream; what was received so far has been kept.';
};

const routeOf = (event: HttpEvent, resumable: boolean): StreamRoute =>
  matchStreamRoute(event.requestContext.http.method, event.rawPath, resumable);

/** 404 and 405 before the key is checked, as API Gateway routes; the chat id is read later. */
const routes = (resumable: boolean): MiddlewareObj<HttpEvent> => ({
  before: (request) => {
    const { method } = request.event.requestContext.http;
    routeShapeOf(method, request.event.rawPath, resumable);
  },
});

/**
 * Middy's JSON body parser, for the one route that takes a body; the media type is decided as
 * the HTTP API decides it (`acceptedMediaType`: parameters and the whitespace around them
 * ignored), so Middy's stricter check of its own is off.
 */
const jsonBodyOfChatRoute = (): MiddlewareObj<HttpEvent> => {
  const parser = httpJsonBodyParser({
    disableContentTypeCheck: true,
    reviver: wellFormedStrings,
  }) as MiddlewareObj<HttpEvent>;
  return {
    before: async (request) => {
      if (request.event.rawPath !== '/' && request.event.rawPath !== '') return;
      acceptedMediaType(request.event.headers['content-type'], ['application/json']);
      const { body, isBase64Encoded } = request.event;
      refuseNonUtf8Body(body, isBase64Encoded);
      await parser.before?.(request);
      refuseRepeatedMembers(body, isBase64Encoded);
    },
  };
};

const NO_CONTENT = { statusCode: 204, headers: {}, body: '' };

/**
 * When the request reached the function URL's front end (epoch ms): an answer and a stop are
 * ordered by it, as their client sent them, not by when each instance got round to them (after
 * authentication, a cold start…), and on one clock.
 */
const arrivedAt = (event: HttpEvent): number => event.requestContext?.timeEpoch ?? Date.now();

/** The longest a resume waits for an answer being prepared to begin. */
const PREPARATION_WAIT_MS = 5_000;

/** Past its deadline and this margin, a stream's writer is gone though its marker remains. */
const deadlineMarginMs = (options: ResumableStreams) =>
  options.follow?.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS;

/**
 * Builds the streaming chat function behind a Lambda function URL (`RESPONSE_STREAM`), with
 * Middy v7's `executionModeStreamifyResponse` and the same authentication middleware as the
 * HTTP API. Authentication, validation, body size, and failures before the first token
 * (retrieval, an unknown session, the model refusing: a rate limit or an outage is a 503 with
 * its `Retry-After`, the time budget a 504, as `POST /v1/chat` answers them) are answered with
 * a status and a problem document before any byte of the stream: the head waits for the first
 * token, at most a ping interval, and goes out with it. The stream follows the AI SDK UI message stream protocol v1, so
 * `useChat` with `DefaultChatTransport` works unchanged. CORS is the function URL's own
 * configuration (it answers preflights and sets the headers), so the handler adds none.
 *
 * Without `resumable`, a client that goes away, or the time budget running out, aborts the
 * upstream model call at once. With it, the answer's parts are recorded as they are sent
 * ({@link StreamRecorder}) and the invocation runs until the answer is whole and stored, even
 * with no client left; `GET /{chatId}/stream` replays and follows it ({@link followStream})
 * and `POST /{chatId}/stop` flags it, which the writer sees within its stop poll (or at its
 * start, for a stop that came while it was prepared). A resume that comes while the answer is
 * prepared (admitted, its stream not begun) waits for it ({@link streamToResume}).
 *
 * A resume counts against the tenant's requests per minute, and holds one of its follower
 * slots (`concurrentFollowers`, a pool apart from the streams': a page reloaded mid-answer
 * resumes even when its answer holds the tenant's last stream slot) from before it reads
 * anything until its following ends, however it ends: the answer's end, its client gone, a
 * failure, or nothing to follow (204/404). Past the limit it is refused with a 429 problem and
 * `Retry-After`, as a stream past its limit; a crashed follower frees its slot at its lease.
 *
 * @example
 * export const handler = createHandler({ logger, resolver, maxBodyBytes, answerQuestion, resumable });
 */
export const createHandler = (deps: StreamChatDeps) => {
  const resumable = deps.resumable;
  const pingIntervalMs = deps.pingIntervalMs ?? 15_000;
  const budgetMarginMs = deps.budgetMarginMs ?? 3_000;
  /** Work an invocation must finish before it returns, though its client has gone. */
  const unfinished = new WeakMap<object, Promise<void>>();

  const streamAnswer = async (event: HttpEvent, context: ApiContext) => {
    const parsed = parseStreamRequest(event.body);
    if (!parsed.success) throw validationProblem(parsed.error);
    const tenantId = tenantOf(context);
    if (resumable && parsed.data.regenerate && parsed.data.sessionId) {
      await stoppedAnswerEnded(resumable.log, tenantId, parsed.data.sessionId);
    }
    const abort = new AbortController();
    const remainingMs = context.getRemainingTimeInMillis();
    const requestedAt = arrivedAt(event);
    const deadlineAt = Date.now() + remainingMs;
    // The stream slot is taken while the answer prepares (budget, history, embedding,
    // retrieval), not before: one table round trip less before the first token; and once the
    // embedding request is written, so its signing work does not hold that request back. A
    // refused slot aborts the preparation, which then costs at most an embedding request and a
    // vector query: the model is called only once the slot is held (`admitted`).
    const limits = deps.limits;
    const slot = limits
      ? afterRequestsWritten().then(() =>
          limits.openStream(tenantId, new Date(deadlineAt + SLOT_LEASE_MARGIN_MS)),
        )
      : Promise.resolve(undefined);
    const admitted = slot.then(() => undefined);
    admitted.catch(() => undefined);
    // The answer is noted as being prepared (at the same moment, for the same reason), so that
    // a resume before its stream begins waits for it; its marker's write ends the note. A stop
    // meanwhile does not see the note: it is kept for the answer as without it.
    const preparations = resumable?.preparations;
    const chatId = parsed.data.sessionId;
    const preparing: PreparingAnswer = { preparationId: randomUUID(), deadlineAt };
    // True once the note was sent, even when its write answered an error: it may have landed
    // all the same, and clearing one that did not is harmless.
    const prepared =
      preparations && chatId
        ? afterRequestsWritten()
            .then(() => preparations.prepare(tenantId, chatId, preparing))
            .then(
              () => true,
              (error: unknown) => {
                deps.logger.warn('noting the answer being prepared failed; resumes may miss it', {
                  error: error as Error,
                });
                return true;
              },
            )
        : Promise.resolve(false);
    const abandonPreparation = async () => {
      if (!preparations || !chatId || !(await prepared)) return;
      await preparations.abandon(tenantId, chatId, preparing).catch((error: unknown) => {
        deps.logger.warn('clearing the abandoned preparation failed; resumes wait it out', {
          error: error as Error,
        });
      });
    };
    const budget = setTimeout(
      () => abort.abort(new StreamCut('The answer was cut: the time budget ran out.')),
      Math.max(1, remainingMs - budgetMarginMs),
    );
    const events: AsyncGenerator<AnswerEvent> = deps.answerQuestion.stream({
      tenantId,
      ...parsed.data,
      createIfMissing: true,
      signal: abort.signal,
      admitted,
    });
    const started = events.next();
    started.catch(() => undefined);
    const release = await slot.catch(async (error: unknown) => {
      clearTimeout(budget);
      abort.abort(error);
      await started.catch(() => undefined);
      await abandonPreparation();
      throw error;
    });
    let released: Promise<void> | undefined;
    // `answered: false` before the answer's start: a stream that never began is not counted.
    const freeSlot = (answered = true) => {
      released ??= (release?.({ answered }) ?? Promise.resolve()).catch((error: unknown) => {
        deps.logger.warn('freeing the stream slot failed; its lease frees it', {
          error: error as Error,
        });
      });
      return released;
    };
    const first = await started.catch(async (error: unknown) => {
      clearTimeout(budget);
      await Promise.all([freeSlot(false), abandonPreparation()]);
      // Out of time before the first byte: a problem can still say so (504), as documented.
      if (abort.signal.reason instanceof StreamCut) throw outOfTime(abort.signal.reason);
      throw error;
    });
    if (first.done || first.value.type !== 'start') {
      clearTimeout(budget);
      await Promise.all([freeSlot(false), abandonPreparation()]);
      throw new Error('the answer stream did not start');
    }
    abort.signal.addEventListener('abort', () => clearTimeout(budget));
    const start = first.value;
    // The head waits for the first token (at most a ping interval, which keeps an idle
    // connection open), so that a model refusing before it is answered as the buffered route
    // answers it: a status and a problem, nothing of the stream sent.
    const refusedBeforeFirstToken = (
      held: HeldAnswer<AnswerEvent>,
    ): held is Extract<HeldAnswer<AnswerEvent>, { failed: true }> =>
      held.failed && !toldInStream(held.error, abort.signal);
    const refusal = async (error: unknown) => {
      clearTimeout(budget);
      await freeSlot(false);
      return abort.signal.reason instanceof StreamCut ? outOfTime(abort.signal.reason) : error;
    };
    if (!resumable) {
      const held = await waitForFirstToken(events, pingIntervalMs);
      if (refusedBeforeFirstToken(held)) throw await refusal(held.error);
      const answer = answerEventStream(start, held.rest, {
        abort,
        pingIntervalMs,
        describeError,
      });
      // The invocation lasts until a cut answer is stored and the slot freed (requestEnd).
      const finished = answer.done.finally(async () => {
        clearTimeout(budget);
        await freeSlot();
      });
      unfinished.set(context, finished);
      return { statusCode: 200, headers: { ...UI_MESSAGE_STREAM_HEADERS }, body: answer.body };
    }

    // The model call is already under way: the marker's write overlaps its time to first token.
    const preparationId =
      start.sessionId === chatId && (await prepared) ? preparing.preparationId : undefined;
    if (preparationId === undefined) await abandonPreparation();
    const recorder = await StreamRecorder.begin(
      resumable.log,
      {
        tenantId,
        chatId: start.sessionId,
        streamId: start.messageId,
        deadlineAt,
        requestedAt,
        ...(preparationId === undefined ? {} : { preparationId }),
      },
      {
        ...(resumable.flushIntervalMs ? { flushIntervalMs: resumable.flushIntervalMs } : {}),
        ...(resumable.stopPollMs ? { stopPollMs: resumable.stopPollMs } : {}),
        onStop: () => abort.abort(new StreamStopped('The answer was stopped.')),
        onError: (error) =>
          deps.logger.warn('recording the answer failed; it goes on unrecorded', {
            error: error as Error,
          }),
      },
    ).catch(async (error: unknown) => {
      deps.logger.warn('the answer could not be recorded; it streams unrecorded', {
        error: error as Error,
      });
      await abandonPreparation();
      return undefined;
    });
    // Pulled once the marker is written, so that a stop kept for the answer aborts it before a
    // token is taken as sent; the model call runs meanwhile.
    const held = await waitForFirstToken(events, pingIntervalMs);
    if (refusedBeforeFirstToken(held)) {
      // A resume that found the marker reads the failure as the stream would have told it, then
      // the marker is cleared.
      if (recorder) {
        for await (const part of answerParts(start, held.rest, { describeError })) {
          recorder.add(part);
        }
        await recorder.close();
      }
      throw await refusal(held.error);
    }
    // The client going away ends the response, not the answer.
    const live = uiMessageBody({ pingIntervalMs });
    const run = async () => {
      const parts = answerParts(start, held.rest, {
        describeError,
        stopped: () => abort.signal.reason instanceof StreamStopped,
      });
      try {
        for await (const part of parts) {
          live.send(part);
          recorder?.add(part);
        }
      } finally {
        clearTimeout(budget);
        await recorder?.close();
        await freeSlot();
        live.end();
      }
    };
    unfinished.set(context, run());
    return { statusCode: 200, headers: { ...UI_MESSAGE_STREAM_HEADERS }, body: live.body };
  };

  const resumeAnswer = async (options: ResumableStreams, chatId: string, context: ApiContext) => {
    const tenantId = tenantOf(context);
    const readerDeadlineAt = Date.now() + context.getRemainingTimeInMillis() - budgetMarginMs;
    // The follower's slot is taken first: a follower past the limit is refused before it reads
    // anything, and the wait for an answer being prepared (polls too) is bounded with it.
    const release = await deps.limits?.openFollower(
      tenantId,
      new Date(readerDeadlineAt + SLOT_LEASE_MARGIN_MS),
    );
    let released: Promise<void> | undefined;
    const freeSlot = () => {
      released ??= (release?.() ?? Promise.resolve()).catch((error: unknown) => {
        deps.logger.warn("freeing the follower's slot failed; its lease frees it", {
          error: error as Error,
        });
      });
      return released;
    };
    // A marker its writer could not clear (the table was unreachable at the end) dies with it.
    const writerGone = (stream: ActiveStream) =>
      stream.deadlineAt + deadlineMarginMs(options) < Date.now();
    const findActive = async () => {
      const active = options.preparations
        ? await streamToResume(options.preparations, tenantId, chatId, {
            deadlineMarginMs: deadlineMarginMs(options),
            maxWaitMs: Math.min(
              PREPARATION_WAIT_MS,
              context.getRemainingTimeInMillis() - budgetMarginMs,
            ),
          })
        : await options.log
            .active(tenantId, chatId, { consistent: true })
            .then((found) => (found && !writerGone(found) ? found : undefined));
      if (active) return active;
      if (await options.sessions.exists(tenantId, chatId)) return undefined;
      throw notFound('Chat');
    };
    const active = await findActive().catch(async (error: unknown) => {
      await freeSlot();
      throw error;
    });
    if (!active) {
      await freeSlot();
      return NO_CONTENT;
    }
    const gone = new AbortController();
    const live = uiMessageBody({ pingIntervalMs, onClose: () => gone.abort() });
    const run = async () => {
      const parts = followStream(
        options.log,
        { tenantId, chatId, stream: active },
        { ...options.follow, readerDeadlineAt, signal: gone.signal },
      );
      try {
        for await (const part of parts) live.send(part);
      } catch (error) {
        deps.logger.warn('following the answer failed', { error: error as Error });
        live.send({ type: 'error', errorText: describeError(error) });
      } finally {
        live.end();
        await freeSlot();
      }
    };
    unfinished.set(context, run());
    return { statusCode: 200, headers: { ...UI_MESSAGE_STREAM_HEADERS }, body: live.body };
  };

  const stopAnswer = async (
    options: ResumableStreams,
    chatId: string,
    event: HttpEvent,
    context: ApiContext,
  ) => {
    // Accepted whether the answer runs or is still being prepared (no marker yet, and for a
    // new chat no session either): the stop is kept for it until it begins. Only a stop that
    // finds no answer is counted against the requests per minute (`stopChatAnswer`).
    const { rate } = await stopChatAnswer(
      {
        log: options.log,
        ...(options.preparations ? { preparations: options.preparations } : {}),
        ...(deps.limits ? { admitter: deps.limits } : {}),
      },
      {
        tenantId: tenantOf(context),
        chatId,
        staleBefore: Date.now() - deadlineMarginMs(options),
        requestedAt: arrivedAt(event),
      },
    );
    return { statusCode: 202, headers: rate ? rateLimitHeaders(rate) : {}, body: '' };
  };

  const limits = limitRequests<HttpEvent>({
    ...(deps.limits ? { limiter: deps.limits } : {}),
    // A resume is a long invocation of its own, polling the table until the answer ends: it
    // counts as a request (and holds a follower slot while it follows). A stop is counted by
    // `stopChatAnswer`, only when it finds no answer: an answer can always be stopped, past the
    // limit too. A malformed chat id is counted as the HTTP API counts a 400 of a limited route.
    isLimited: (event) =>
      routeShapeOf(event.requestContext.http.method, event.rawPath, resumable !== undefined)
        .kind !== 'stop',
  });
  return (
    middy<LambdaFunctionURLEvent, unknown, Error, ApiContext>({
      executionMode: executionModeStreamifyResponse,
      timeoutEarlyInMillis: 0,
      // Runs after the response body has ended or failed (client gone): the invocation lasts
      // until the recorded answer is whole, since Lambda may freeze the container once it returns.
      requestEnd: async (request) => {
        await unfinished.get(request.context);
      },
    })
      .use(injectLambdaContext(deps.logger))
      .use(correlateLogs(deps.logger))
      // One line per request, as the HTTP API's functions write: for an answer, once it starts.
      .use(accessLog(deps.logger))
      .use(httpHeaderNormalizer())
      .use(securityHeaders())
      .use(limits.headers)
      .use(problemJson(deps.logger))
      .use(routes(resumable !== undefined))
      .use(bodyLimit(deps.maxBodyBytes))
      .use(
        authenticate<HttpEvent>({
          resolver: deps.resolver,
          isPublic: () => false,
          authorization: (event) => event.headers.authorization,
        }),
      )
      .use(limits.admit)
      .use(jsonBodyOfChatRoute())
      .handler(async (event, context) => {
        const route = routeOf(event, resumable !== undefined);
        if (route.kind === 'chat' || !resumable) return streamAnswer(event, context);
        if (route.kind === 'resume') return resumeAnswer(resumable, route.chatId, context);
        return stopAnswer(resumable, route.chatId, event, context);
      })
  );
};

/** The Lambda entry point. */
export const handler = await deferredHandler(
  async () => createHandler(await composeStreamChat(loadRuntimeConfig(process.env))),
  streamUnavailable,
);
