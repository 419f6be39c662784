import { describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../../../dev/http-events.js';
import { installAwsLambdaGlobal } from '../../../dev/lambda-response-stream.js';
import { AnswerQuestion } from '../../../lambdas/core/chat/answer-question.js';
import { createHandler } from '../../../lambdas/handlers/stream-chat.js';
import { everyDocumentLive } from '../../support/fakes/every-document-live.js';
import { FakeChatModel } from '../../support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../support/fakes/fake-vector-store.js';
import { InMemorySessionStore } from '../../support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { invokeStreaming } from '../../support/streaming-invoke.js';

/** A header of a reply, whatever its case (HTTP header names are case-insensitive). */
const headerOf = (headers: Record<string, unknown> | undefined, name: string) =>
  Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

installAwsLambdaGlobal();

const streamFunction = () =>
  createHandler({
    ...testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 }),
    answerQuestion: new AnswerQuestion({
      sessions: new InMemorySessionStore(),
      embedder: new FakeEmbedder(),
      vectors: new FakeVectorStore(),
      documents: everyDocumentLive,
      model: new FakeChatModel({ defaultReply: 'Because.' }),
      clock: new ManualClock(),
      settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
    }),
  });

const post = (headers: Record<string, string>, body: unknown) =>
  functionUrlEvent({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('streaming function URL: security headers', () => {
  it('sends X-Content-Type-Options: nosniff with a problem (401 without a key)', async () => {
    // Arrange
    const handler = streamFunction();

    // Act
    const response = invokeStreaming(handler, post({}, { message: 'Why?' }), lambdaContext());
    await response.done;

    // Assert
    expect(response.prelude.statusCode).toBe(401);
    expect(headerOf(response.prelude.headers, 'content-type')).toBe('application/problem+json');
    expect(headerOf(response.prelude.headers, 'x-content-type-options')).toBe('nosniff');
  });

  it('sends X-Content-Type-Options: nosniff with the answer stream (200)', async () => {
    // Arrange
    const handler = streamFunction();

    // Act
    const response = invokeStreaming(
      handler,
      post({ authorization: 'Bearer key-a' }, { message: 'Why?' }),
      lambdaContext(),
    );
    await response.done;

    // Assert
    expect(response.prelude.statusCode).toBe(200);
    expect(headerOf(response.prelude.headers, 'x-content-type-options')).toBe('nosniff');
  });
});
