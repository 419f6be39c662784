import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { QdrantVectorStore } from '../../../lambdas/adapters/qdrant/qdrant-vector-store.js';
import { AnswerQuestion } from '../../../lambdas/core/chat/answer-question.js';
import { createHandler } from '../../../lambdas/handlers/chat-api.js';
import { everyDocumentLive } from '../../support/fakes/every-document-live.js';
import { FakeChatModel } from '../../support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../support/fakes/fake-embedder.js';
import { InMemorySessionStore } from '../../support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { type QdrantStandIn, startQdrantStandIn } from '../../support/qdrant-stand-in.js';

const COLLECTION = 'prod-rag-chunks-eu-west-1';

let standIn: QdrantStandIn;
beforeAll(async () => {
  standIn = await startQdrantStandIn({ logViolations: false });
});
afterAll(async () => {
  await standIn.close();
});

const client = () => new QdrantClient({ url: standIn.url, checkCompatibility: false });

describe('POST /v1/chat when the vector store is misconfigured', () => {
  it('answers a problem whose detail names no internal resource or setting', async () => {
    const embedder = new FakeEmbedder();
    // The collection exists with vectors of another size than the embedder makes.
    const { dimensions } = embedder;
    await new QdrantVectorStore(client(), {
      collection: COLLECTION,
      dimensions: dimensions + 1,
    }).ensureReady();
    const sessions = new InMemorySessionStore();
    const handler = createHandler({
      http: testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 }),
      answerQuestion: new AnswerQuestion({
        sessions,
        embedder,
        vectors: new QdrantVectorStore(client(), {
          collection: COLLECTION,
          dimensions,
          retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
        }),
        documents: everyDocumentLive,
        model: new FakeChatModel({ defaultReply: 'Because.' }),
        clock: new ManualClock(),
        settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
      }),
      sessions,
      budgetMarginMs: 1_000,
    });

    const result = await handler(
      apiGatewayEvent({
        method: 'POST',
        url: '/v1/chat',
        routeKey: 'POST /v1/chat',
        headers: { authorization: 'Bearer key-a', 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'How do I declare a path parameter?' }),
      }),
      lambdaContext(),
    );

    expect(result.statusCode).toBe(502);
    // Any tenant's caller reads this body: the deployment's collection and vector sizes are
    // the operator's to see in the logs, not the client's.
    expect(result.body).not.toContain(COLLECTION);
    expect(result.body).not.toMatch(/\d+-dimensional/);
  });
});
