import { describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../../../dev/http-events.js';
import { installAwsLambdaGlobal } from '../../../dev/lambda-response-stream.js';
import { AnswerQuestion } from '../../../lambdas/core/chat/answer-question.js';
import { DependencyError } from '../../../lambdas/core/dependency-error.js';
import type { StreamLog } from '../../../lambdas/core/ports/stream-log.js';
import { createHandler } from '../../../lambdas/handlers/stream-chat.js';
import { everyDocumentLive } from '../../support/fakes/every-document-live.js';
import { FakeChatModel } from '../../support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../support/fakes/fake-vector-store.js';
import { InMemorySessionStore } from '../../support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { contractErrors } from '../../support/openapi-contract.js';
import { publishedSpec } from '../../support/published-spec.js';
import { invokeStreaming } from '../../support/streaming-invoke.js';

installAwsLambdaGlobal();

/** The stream function with resumable streams on, its API key table unreachable. */
const streamFunctionWithKeyTableDown = () => {
  const sessions = new InMemorySessionStore();
  return createHandler({
    ...testHttpOptions(
      {},
      {
        maxBodyBytes: 10_000,
        resolver: {
          execute: async () => {
            throw new DependencyError('dynamodb', 'unavailable', 'API key lookup throttled');
          },
        },
      },
    ),
    answerQuestion: new AnswerQuestion({
      sessions,
      embedder: new FakeEmbedder(),
      vectors: new FakeVectorStore(),
      documents: everyDocumentLive,
      model: new FakeChatModel({ defaultReply: 'Because.' }),
      clock: new ManualClock(),
      settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
    }),
    // Never reached: authentication fails first.
    resumable: { log: {} as StreamLog, sessions },
  });
};

describe('resume and stop routes of the streaming URL, key table unavailable', () => {
  it.each([
    ['GET', '/chat-1/stream', '/{chatId}/stream'],
    ['POST', '/chat-1/stop', '/{chatId}/stop'],
  ])('%s %s answers a status its published operation documents', async (method, url, path) => {
    // Arrange
    const spec = await publishedSpec();
    const handler = streamFunctionWithKeyTableDown();

    // Act
    const response = invokeStreaming(
      handler,
      functionUrlEvent({ method, url, headers: { authorization: 'Bearer sk-rag-any' } }),
      lambdaContext(),
    );
    await response.done;

    // Assert: the 503 (with Retry-After) is right; the contract does not list it.
    expect(response.prelude.statusCode).toBe(503);
    expect(
      contractErrors(
        spec,
        { path, method },
        {
          status: response.prelude.statusCode!,
          contentType: response.prelude.headers?.['content-type'],
          body: JSON.parse(response.body),
        },
      ),
    ).toEqual([]);
  });
});
