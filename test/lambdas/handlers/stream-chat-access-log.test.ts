import { describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../../../dev/http-events.js';
import { installAwsLambdaGlobal } from '../../../dev/lambda-response-stream.js';
import { AnswerQuestion } from '../../../lambdas/core/chat/answer-question.js';
import { createHandler } from '../../../lambdas/handlers/stream-chat.js';
import { ACCESS_LOG_MESSAGE } from '../../../lambdas/http/access-log.js';
import { CapturingLogger } from '../../support/capturing-logger.js';
import { everyDocumentLive } from '../../support/fakes/every-document-live.js';
import { FakeChatModel } from '../../support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../support/fakes/fake-vector-store.js';
import { InMemorySessionStore } from '../../support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { invokeStreaming } from '../../support/streaming-invoke.js';

installAwsLambdaGlobal();

const setup = () => {
  const logger = new CapturingLogger({ logLevel: 'INFO' });
  const handler = createHandler({
    ...testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 }),
    logger,
    answerQuestion: new AnswerQuestion({
      sessions: new InMemorySessionStore(),
      embedder: new FakeEmbedder(),
      vectors: new FakeVectorStore(),
      documents: everyDocumentLive,
      model: new FakeChatModel({ defaultReply: 'An answer.' }),
      clock: new ManualClock(),
      settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
    }),
  });
  const question = (authorization?: string) =>
    functionUrlEvent({
      method: 'POST',
      url: '/',
      headers: {
        'content-type': 'application/json',
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify({ message: 'How do path parameters work?' }),
    });
  const send = (event: ReturnType<typeof question>) =>
    invokeStreaming(handler, event, lambdaContext());
  const ask = (authorization?: string) => send(question(authorization));
  const accessLines = () => logger.items.filter((item) => item.message === ACCESS_LOG_MESSAGE);
  return { ask, question, send, accessLines };
};

describe('streaming function access log', () => {
  it('writes one line for a streamed answer, with its status and tenant', async () => {
    const { ask, accessLines } = setup();

    await ask('Bearer key-a').done;

    expect(accessLines()).toEqual([
      expect.objectContaining({ method: 'POST', path: '/', status: 200, tenant: 'tenant-a' }),
    ]);
  });

  it("writes each request's line with that request's id as correlation id", async () => {
    const { question, send, accessLines } = setup();
    const first = question('Bearer key-a');
    const second = question('Bearer key-a');

    await send(first).done;
    await send(second).done;

    expect(accessLines().map((line) => line.correlation_id)).toEqual([
      first.requestContext.requestId,
      second.requestContext.requestId,
    ]);
  });

  it('writes one line for a refused request, with the problem', async () => {
    const { ask, accessLines } = setup();

    await ask().done;

    expect(accessLines()).toEqual([expect.objectContaining({ status: 401, path: '/' })]);
  });
});
