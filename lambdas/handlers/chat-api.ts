import { type ChatApiDeps, composeChatApi } from '../composition/chat-api.js';
import { loadRuntimeConfig } from '../composition/runtime-config.js';
import { notFound } from '../core/problem.js';
import { chatRequestSchema } from '../core/schemas/chat.js';
import { noQuery, pageQuery } from '../core/schemas/common.js';
import { tenantOf } from '../http/authenticate.js';
import { createHttpHandler } from '../http/create-http-handler.js';
import { deferredHandler } from '../http/deferred-handler.js';
import { parsePart, pathId } from '../http/request-parts.js';
import { json } from '../http/responses.js';
import { timeBudget, withinBudget } from '../http/time-budget.js';
import { httpUnavailable } from '../http/unavailable.js';

/**
 * Builds the chat function: `POST /v1/chat` (a buffered, cited answer) and the session routes
 * `GET /v1/sessions`, `GET /v1/sessions/{id}`, `DELETE /v1/sessions/{id}`, and the tenant's
 * usage, `GET /v1/usage`. Every route reads
 * the tenant from the authenticated caller only.
 *
 * @example
 * const handler = createHandler({ http, answerQuestion, sessions });
 */
export const createHandler = (deps: ChatApiDeps) =>
  createHttpHandler({
    ...deps.http,
    routes: {
      'POST /v1/chat': async (event, context) => {
        const body = parsePart(chatRequestSchema, event.body, 'body');
        const marginMs = deps.budgetMarginMs ?? 1_000;
        const signal = timeBudget(context, marginMs);
        // Half the margin lets a turn the model has answered be stored and answered 200.
        const answer = await withinBudget(
          signal,
          deps.answerQuestion.answer({ tenantId: tenantOf(context), ...body, signal }),
          { graceMs: marginMs / 2 },
        );
        return json(200, answer);
      },
      'GET /v1/sessions': async (event, context) => {
        const page = parsePart(pageQuery, event.queryStringParameters ?? {}, 'query');
        return json(200, await deps.sessions.list(tenantOf(context), page));
      },
      'GET /v1/usage': async (event, context) => {
        // No range is taken: `?from=` was answered with the last 30 days, as if honoured.
        parsePart(noQuery, event.queryStringParameters ?? {}, 'query');
        if (!deps.usage) throw notFound('Usage (limits are off)');
        return json(200, await deps.usage.execute(tenantOf(context)));
      },
      'GET /v1/sessions/{id}': async (event, context) => {
        const sessionId = pathId(event);
        const page = parsePart(pageQuery, event.queryStringParameters ?? {}, 'query');
        const messages = await deps.sessions.getMessages(tenantOf(context), sessionId, page);
        if (!messages) throw notFound('Session');
        return json(200, { sessionId, ...messages });
      },
      'DELETE /v1/sessions/{id}': async (event, context) => {
        const deleted = await deps.sessions.delete(tenantOf(context), pathId(event));
        if (!deleted) throw notFound('Session');
        return { statusCode: 204 };
      },
    },
  });

/** The Lambda entry point. */
export const handler = await deferredHandler(
  async () => createHandler(await composeChatApi(loadRuntimeConfig(process.env))),
  httpUnavailable,
);
