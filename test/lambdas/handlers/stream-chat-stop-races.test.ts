import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerQuestion } from '../../../lambdas/core/chat/answer-question.js';
import { type DynaliteHandle, startDynalite } from '../../support/dynalite.js';
import { everyDocumentLive } from '../../support/fakes/every-document-live.js';
import { FakeChatModel, pacedTokens } from '../../support/fakes/fake-chat-model.js';
import { FakeEmbedder } from '../../support/fakes/fake-embedder.js';
import { FakeVectorStore } from '../../support/fakes/fake-vector-store.js';
import { InMemorySessionStore } from '../../support/fakes/in-memory-session-store.js';
import { ManualClock } from '../../support/fakes/manual-clock.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { parts, request } from '../../support/stream-chat-harness.js';
import {
  after,
  dynamoLog,
  gate,
  streamInstance,
  until,
  withHeldStopPolls,
} from '../../support/stream-races.js';
import { invokeStreaming } from '../../support/streaming-invoke.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.close());

const words = (prefix: string) =>
  Array.from({ length: 20 }, (_, index) => `${prefix}${index}`).join(' ');

let chats = 0;
const fixture = (replies: string[], tokenIntervalMs = 30) => {
  const model = new FakeChatModel({
    replies,
    onToken: pacedTokens(tokenIntervalMs).onToken,
  });
  const sessions = new InMemorySessionStore();
  const answerQuestion = new AnswerQuestion({
    sessions,
    embedder: new FakeEmbedder(),
    vectors: new FakeVectorStore(),
    documents: everyDocumentLive,
    model,
    clock: new ManualClock(),
    settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
  });
  chats += 1;
  return { model, sessions, answerQuestion, chatId: `race-chat-${chats}-${Date.now()}` };
};

describe('POST /{chatId}/stop while a newer question on the chat took the active-stream marker', () => {
  it('stops the running answer the user stopped, though a question sent after the stop began before its writer polled', async () => {
    const { model, sessions, answerQuestion, chatId } = fixture([words('a'), words('b')]);
    const polls = gate();
    // Instance A streams the first answer; its stop poll is held until the second question began.
    const a = streamInstance({
      answerQuestion,
      sessions,
      log: withHeldStopPolls(dynamoLog(db), polls.promise),
    });
    const b = streamInstance({ answerQuestion, sessions, log: dynamoLog(db) });

    const first = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'first' }),
      lambdaContext(),
    );
    await until(() => first.body.includes('"text-delta"'));
    // The user presses stop (the stop route accepts it: 202)...
    const stop = invokeStreaming(b, request('POST', `/${chatId}/stop`), lambdaContext());
    await stop.done;
    expect(stop.prelude.statusCode).toBe(202);
    // ...and sends the next question at once ("stop and send"), which begins streaming.
    const second = invokeStreaming(
      b,
      request('POST', '/', { sessionId: chatId, message: 'second' }),
      lambdaContext(),
    );
    await until(() => second.body.includes('"text-delta"'));
    polls.open();
    await Promise.all([first.done, second.done]);

    // The second question came after the stop: it runs to its end.
    expect(parts(second.body).at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    // The first answer was asked before the stop and was running when it came: it must stop.
    expect(parts(first.body).at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'interrupted',
    });
    expect(model.calls[0]?.aborted).toBe(true);
    const stored = sessions.messagesOf('tenant-a', chatId).find((m) => m.content.startsWith('a0'));
    expect(stored?.content).not.toBe(words('a'));
  });

  it('stops both answers running on the chat when the stop comes after both were asked', async () => {
    const { model, sessions, answerQuestion, chatId } = fixture([words('a'), words('b')]);
    const a = streamInstance({ answerQuestion, sessions, log: dynamoLog(db), stopPollMs: 50 });
    const b = streamInstance({ answerQuestion, sessions, log: dynamoLog(db), stopPollMs: 50 });

    const first = invokeStreaming(
      a,
      request('POST', '/', { sessionId: chatId, message: 'first' }),
      lambdaContext(),
    );
    await until(() => first.body.includes('"text-delta"'));
    const second = invokeStreaming(
      b,
      request('POST', '/', { sessionId: chatId, message: 'second' }),
      lambdaContext(),
    );
    await until(() => second.body.includes('"text-delta"'));
    // Both answers run; the user (e.g. closing the chat) stops the chat's answers.
    const stop = invokeStreaming(a, request('POST', `/${chatId}/stop`), lambdaContext());
    await stop.done;
    expect(stop.prelude.statusCode).toBe(202);
    await Promise.all([first.done, second.done]);

    expect(parts(second.body).at(-1)).toMatchObject({ finishReason: 'interrupted' });
    // The first answer, asked before the stop and still running, is not reached by it.
    expect(parts(first.body).at(-1)).toMatchObject({ finishReason: 'interrupted' });
    expect(model.calls[0]?.aborted).toBe(true);
  });
});

describe('a stop processed late (slow authentication / cold start of its instance)', () => {
  it('does not stop a question whose request reached the function URL after the stop, though it is already streaming', async () => {
    const { model, sessions, answerQuestion, chatId } = fixture([words('a'), words('b')], 30);
    const auth = gate();
    const writer = streamInstance({ answerQuestion, sessions, log: dynamoLog(db) });
    // The stop lands on a fresh instance whose authentication (cold start) is slow.
    const cold = streamInstance({
      answerQuestion,
      sessions,
      log: dynamoLog(db),
      authHeld: auth.promise,
    });

    // A first answer runs to its end.
    const first = invokeStreaming(
      writer,
      request('POST', '/', { sessionId: chatId, message: 'first' }),
      lambdaContext(),
    );
    await first.done;
    // The user pressed stop as that answer ended: the stop reaches the function URL now...
    const stopEvent = request('POST', `/${chatId}/stop`);
    const stop = invokeStreaming(cold, stopEvent, lambdaContext());
    // ...then the user asks the next question (it reaches the function URL after the stop).
    await after(stopEvent.requestContext.timeEpoch);
    const second = invokeStreaming(
      writer,
      request('POST', '/', { sessionId: chatId, message: 'second' }),
      lambdaContext(),
    );
    await until(() => second.body.includes('"text-delta"'));
    // The stop's instance only now gets round to writing it.
    auth.open();
    await Promise.all([stop.done, second.done]);
    expect(stop.prelude.statusCode).toBe(202);

    // A stop never touches a question sent after it (`stop-answer.ts`, `DynamoDbStreamLog`).
    expect(parts(second.body).at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    expect(model.calls[1]?.aborted).toBe(false);
    expect(sessions.messagesOf('tenant-a', chatId)[3]).toMatchObject({ content: words('b') });
    expect(sessions.messagesOf('tenant-a', chatId)[3]?.incomplete).toBeUndefined();
  });
});

describe('regenerate right after a stop', () => {
  it('replaces the stopped answer instead of storing its question a second time', async () => {
    const { sessions, answerQuestion, chatId } = fixture([words('a'), words('b'), words('c')]);
    const instance = streamInstance({ answerQuestion, sessions, log: dynamoLog(db) });
    const useChat = (text: string, trigger: string) =>
      request('POST', '/', {
        id: chatId,
        messages: [{ role: 'user', parts: [{ type: 'text', text }] }],
        trigger,
      });
    await invokeStreaming(instance, useChat('first', 'submit-message'), lambdaContext()).done;
    const second = invokeStreaming(instance, useChat('second', 'submit-message'), lambdaContext());
    await until(() => second.body.includes('"text-delta"'));

    // The user stops the second answer, then asks for it again at once.
    const stop = invokeStreaming(instance, request('POST', `/${chatId}/stop`), lambdaContext());
    await stop.done;
    const again = invokeStreaming(
      instance,
      useChat('second', 'regenerate-message'),
      lambdaContext(),
    );
    await Promise.all([second.done, again.done]);

    expect(parts(again.body).at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    const stored = sessions.messagesOf('tenant-a', chatId);
    expect(stored.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
      'first',
      'second',
    ]);
    expect(stored.at(-1)?.content).toBe(words('c'));
  });
});
