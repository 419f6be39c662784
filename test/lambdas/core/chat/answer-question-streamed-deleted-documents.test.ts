import { describe, expect, it } from 'vitest';
import type { AnswerEvent } from '../../../../lambdas/core/chat/answer-question.js';
import { DependencyError } from '../../../../lambdas/core/dependency-error.js';
import type { LiveDocuments } from '../../../../lambdas/core/ports/live-documents.js';
import {
  deletedDocumentsFixture,
  recordedLiveness,
} from '../../../support/deleted-documents-fixture.js';
import { FakeChatModel } from '../../../support/fakes/fake-chat-model.js';
import type { InMemoryDocumentStore } from '../../../support/fakes/in-memory-document-store.js';

const TENANT = 'acme';
const SESSION = 'chat-1';
const QUESTION = 'What hydration should a sourdough loaf have?';
const SOURDOUGH =
  'Sourdough hydration: a sourdough loaf should have a hydration of 75 percent, water to flour.';
const COOKIES = 'Cookie parameters are declared with Cookie, the same way as Query parameters.';
/** Documents that hold none of the question's words: candidates, never cited. */
const OTHERS = [
  ['Headers', 'Header parameters are declared with Header.'],
  ['Forms', 'Form fields are received with Form instead of JSON.'],
  ['Files', 'Uploaded files are received with UploadFile.'],
] as const;
const FIRST_REPLY = 'Seventy-five percent [1].';
const SECOND_REPLY = 'The documents do not cover it.';

/**
 * The documents function, the indexer and a streaming chat over one set of stores; the chat
 * reads liveness through `liveness(documents, model)` (the document store itself by default).
 */
const setup = (
  liveness?: (documents: InMemoryDocumentStore, model: FakeChatModel) => LiveDocuments,
) => {
  const { vectors, sessions, model, deleteDocument, answers, indexed } = deletedDocumentsFixture({
    tenantId: TENANT,
    model: new FakeChatModel({ replies: [FIRST_REPLY, SECOND_REPLY] }),
    ...(liveness ? { liveness } : {}),
  });
  /** Accepts the document's deletion while its chunks stay in the vector store (`deleting`). */
  const deletingWithChunksLeft = async (documentId: string) => {
    vectors.deleteFailures.push(new DependencyError('qdrant', 'unavailable', 'delete points'));
    await deleteDocument.execute(TENANT, documentId).catch(() => undefined);
  };
  const streamed = async () => {
    const events: AnswerEvent[] = [];
    for await (const event of answers.stream({
      tenantId: TENANT,
      sessionId: SESSION,
      createIfMissing: true,
      message: QUESTION,
    })) {
      events.push(event);
    }
    return events;
  };
  return { sessions, model, indexed, deletingWithChunksLeft, streamed };
};

/** Liveness answered only once the model call under way has produced its first token. */
const answeredAfterFirstToken =
  (answer: (documents: InMemoryDocumentStore) => LiveDocuments['liveAmong']) =>
  (documents: InMemoryDocumentStore, model: FakeChatModel): LiveDocuments => {
    let tokenMade: () => void = () => undefined;
    const firstToken = new Promise<void>((resolve) => {
      tokenMade = resolve;
    });
    model.onToken = (_token, index) => {
      if (index === 0) tokenMade();
    };
    return {
      liveAmong: async (tenantId, documentIds) => {
        await firstToken;
        return answer(documents)(tenantId, documentIds);
      },
    };
  };

const textOf = (events: AnswerEvent[]) =>
  events.map((event) => (event.type === 'delta' ? event.text : '')).join('');

describe('AnswerQuestion.stream and documents being deleted', () => {
  it('withdraws the model call under way when the liveness read drops a cited document, and asks again with the live passages', async () => {
    const { model, indexed, deletingWithChunksLeft, streamed } = setup(
      answeredAfterFirstToken((documents) => (tenantId, ids) => documents.liveAmong(tenantId, ids)),
    );
    const deleted = await indexed('Sourdough', SOURDOUGH);
    await indexed('Cookies', COOKIES);
    await deletingWithChunksLeft(deleted);

    const events = await streamed();

    expect(model.calls).toHaveLength(2);
    expect(model.calls[0]!.options.signal?.aborted).toBe(true);
    expect(JSON.stringify(model.prompts[1])).not.toContain('75 percent');
    expect(textOf(events)).toBe(SECOND_REPLY);
  });

  it('hands out no source of a document being deleted when the read answers after the model call started', async () => {
    const { indexed, deletingWithChunksLeft, streamed } = setup(
      answeredAfterFirstToken((documents) => (tenantId, ids) => documents.liveAmong(tenantId, ids)),
    );
    const deleted = await indexed('Sourdough', SOURDOUGH);
    await indexed('Cookies', COOKIES);
    await deletingWithChunksLeft(deleted);

    const events = await streamed();

    const start = events.find((event) => event.type === 'start');
    expect(start?.sources.map((source) => source.documentId)).not.toContain(deleted);
  });

  it('stores the answer given with the live passages, not the withdrawn one', async () => {
    const { sessions, indexed, deletingWithChunksLeft, streamed } = setup(
      answeredAfterFirstToken((documents) => (tenantId, ids) => documents.liveAmong(tenantId, ids)),
    );
    const deleted = await indexed('Sourdough', SOURDOUGH);
    await indexed('Cookies', COOKIES);
    await deletingWithChunksLeft(deleted);

    await streamed();

    const page = await sessions.getMessages(TENANT, SESSION, { limit: 10 });
    const answer = page?.items.find((message) => message.role === 'assistant');
    expect(answer?.content).toBe(SECOND_REPLY);
    expect(answer?.sources?.map((source) => source.documentId)).not.toContain(deleted);
  });

  it('keeps the model call under way when every candidate is live', async () => {
    const { model, indexed, streamed } = setup(
      answeredAfterFirstToken((documents) => (tenantId, ids) => documents.liveAmong(tenantId, ids)),
    );
    await indexed('Sourdough', SOURDOUGH);
    await indexed('Cookies', COOKIES);

    const events = await streamed();

    expect(model.calls).toHaveLength(1);
    expect(textOf(events)).toBe(FIRST_REPLY);
  });

  it('reads the liveness of the documents that decide the answer, not of every candidate', async () => {
    const { liveness, asked } = recordedLiveness();
    const { indexed, streamed } = setup(liveness);
    const sourdough = await indexed('Sourdough', SOURDOUGH);
    for (const [title, text] of [['Cookies', COOKIES], ...OTHERS]) await indexed(title, text);

    const events = await streamed();

    const start = events.find((event) => event.type === 'start');
    const cited = [...new Set(start?.sources.map((source) => source.documentId))];
    expect(cited).toContain(sourdough);
    expect(asked).toEqual([cited]);
  });

  it('fails before its first event, withdrawing the model call, when the liveness read fails after the call started', async () => {
    const { sessions, model, indexed, streamed } = setup(
      answeredAfterFirstToken(() => async () => {
        throw new DependencyError('dynamodb', 'unavailable', 'batch get');
      }),
    );
    await indexed('Sourdough', SOURDOUGH);

    await expect(streamed()).rejects.toThrow(DependencyError);

    expect(model.calls[0]!.options.signal?.aborted).toBe(true);
    expect(await sessions.getMessages(TENANT, SESSION, { limit: 10 })).toBeUndefined();
  });
});
