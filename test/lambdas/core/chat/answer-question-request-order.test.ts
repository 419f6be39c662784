import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiChatModel } from '../../../../lambdas/adapters/openai/openai-chat-model.js';
import { OpenAiEmbedder } from '../../../../lambdas/adapters/openai/openai-embedder.js';
import { AnswerQuestion } from '../../../../lambdas/core/chat/answer-question.js';
import { everyDocumentLive } from '../../../support/fakes/every-document-live.js';
import { FakeVectorStore } from '../../../support/fakes/fake-vector-store.js';
import { InMemorySessionStore } from '../../../support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../../support/fakes/manual-clock.js';
import { type OpenAiStandIn, startOpenAiStandIn } from '../../../support/openai-stand-in.js';

let standIn: OpenAiStandIn;
beforeAll(async () => {
  standIn = await startOpenAiStandIn({ logViolations: false });
});
afterAll(() => standIn.close());

/** Paths whose request headers `fetch` has written to a socket, in order. */
let written: string[] = [];
const onHeaders = (message: unknown) => {
  written.push(String((message as { request: { path: string } }).request.path));
};
beforeEach(() => {
  written = [];
  subscribe('undici:client:sendHeaders', onHeaders);
});
afterEach(() => unsubscribe('undici:client:sendHeaders', onHeaders));

/** A session store that notes which requests were already written when the history was read. */
class WatchedSessionStore extends InMemorySessionStore {
  writtenAtHistoryRead: string[] | undefined;

  override getMessages(...args: Parameters<InMemorySessionStore['getMessages']>) {
    this.writtenAtHistoryRead = [...written];
    return super.getMessages(...args);
  }
}

const setup = () => {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: standIn.url, maxRetries: 0 });
  const sessions = new WatchedSessionStore();
  const useCase = new AnswerQuestion({
    sessions,
    embedder: new OpenAiEmbedder(client, { model: 'text-embedding-3-small', dimensions: 8 }),
    vectors: new FakeVectorStore(),
    documents: everyDocumentLive,
    model: new OpenAiChatModel(client, { model: 'gpt-4o-mini' }),
    clock: new ManualClock(),
    settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
    newId: () => crypto.randomUUID(),
  });
  return { sessions, useCase };
};

const QUESTION = { tenantId: 'tenant-a', message: 'How do path parameters work?' };

describe('AnswerQuestion, the order of its upstream requests', () => {
  it('reads the history only once the embedding request is written', async () => {
    const { sessions, useCase } = setup();

    await useCase.answer({ ...QUESTION, sessionId: 's1', createIfMissing: true });

    expect(sessions.writtenAtHistoryRead).toEqual(['/v1/embeddings']);
  });

  it('hands out `start` only once the model request is written', async () => {
    const { useCase } = setup();
    let writtenAtStart: string[] | undefined;

    for await (const event of useCase.stream({
      ...QUESTION,
      sessionId: 's2',
      createIfMissing: true,
    })) {
      if (event.type === 'start') writtenAtStart = [...written];
    }

    expect(writtenAtStart).toEqual(['/v1/embeddings', '/v1/chat/completions']);
  });
});
