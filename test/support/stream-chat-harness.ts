/**
 * Two streaming chat function instances (no shared memory) over one dynalite table, one model
 * and one session store, with scripted preparation (embedding) and authentication delays and
 * a clock per instance: what the tests of stops racing answers need.
 */
import { functionUrlEvent } from '../../dev/http-events.js';
import { installAwsLambdaGlobal } from '../../dev/lambda-response-stream.js';
import { DynamoDbStreamLog } from '../../lambdas/adapters/dynamodb/dynamodb-stream-log.js';
import type { StreamChatDeps } from '../../lambdas/composition/stream-chat.js';
import { AnswerQuestion } from '../../lambdas/core/chat/answer-question.js';
import { type Clock, systemClock } from '../../lambdas/core/ports/clock.js';
import { createHandler } from '../../lambdas/handlers/stream-chat.js';
import type { DynaliteHandle } from './dynalite.js';
import { everyDocumentLive } from './fakes/every-document-live.js';
import { FakeChatModel, pacedTokens } from './fakes/fake-chat-model.js';
import { FakeEmbedder } from './fakes/fake-embedder.js';
import { FakeVectorStore } from './fakes/fake-vector-store.js';
import { InMemorySessionStore } from './fakes/in-memory-session-store.js';
import { ManualClock } from './fakes/manual-clock.js';
import { testHttpOptions } from './http-deps.js';

installAwsLambdaGlobal();

export const AUTH = { authorization: 'Bearer key-a' };
export const REPLY = Array.from({ length: 20 }, (_, index) => `w${index}`).join(' ');
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const request = (method: string, url: string, body?: unknown) =>
  functionUrlEvent({
    method,
    url,
    headers: { ...AUTH, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

export const parts = (body: string) =>
  body
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map(
      (line) =>
        JSON.parse(line.slice('data: '.length)) as {
          type: string;
          delta?: string;
          finishReason?: string;
          errorText?: string;
        },
    );

/** An embedder whose n-th call takes delays[n] ms (the last delay repeats). */
export class ScriptedEmbedder extends FakeEmbedder {
  #calls = 0;
  constructor(private readonly delays: number[]) {
    super();
  }
  override async embed(...args: Parameters<FakeEmbedder['embed']>) {
    const delay = this.delays[Math.min(this.#calls, this.delays.length - 1)] ?? 0;
    this.#calls += 1;
    await new Promise((resolve) => setTimeout(resolve, delay));
    return super.embed(...args);
  }
}

let chats = 0;

export interface SetupOptions {
  tokenIntervalMs?: number;
  embedDelays?: number[];
  /** Authentication latency of each instance (ms). */
  authDelayA?: number;
  authDelayB?: number;
  logClockB?: Clock;
  extra?: Partial<StreamChatDeps>;
}

export const setup = (db: DynaliteHandle, options: SetupOptions = {}) => {
  const model = new FakeChatModel({
    defaultReply: REPLY,
    onToken: pacedTokens(options.tokenIntervalMs ?? 20).onToken,
  });
  const sessions = new InMemorySessionStore();
  const answerQuestion = new AnswerQuestion({
    sessions,
    embedder: new ScriptedEmbedder(options.embedDelays ?? [0]),
    vectors: new FakeVectorStore(),
    documents: everyDocumentLive,
    model,
    clock: new ManualClock(),
    settings: { topK: 3, minScore: 0.5, historyTokenBudget: 1_000 },
  });
  const instance = (authDelayMs = 0, clock: Clock = systemClock) => {
    const http = testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 });
    const resolver = http.resolver;
    // As composed: one adapter is the stream log and the answers being prepared.
    const log = new DynamoDbStreamLog(db.documentClient, {
      tableName: db.tableName,
      clock,
      ttlSeconds: 600,
    });
    return createHandler({
      ...http,
      resolver: {
        execute: async (authorization?: string) => {
          await sleep(authDelayMs);
          return resolver.execute(authorization);
        },
      } as typeof resolver,
      answerQuestion,
      resumable: { log, preparations: log, sessions },
      ...options.extra,
    });
  };
  chats += 1;
  return {
    model,
    sessions,
    answerQuestion,
    a: instance(options.authDelayA ?? 0),
    b: instance(options.authDelayB ?? 0, options.logClockB),
    chatId: `chat-${chats}-${Math.random().toString(36).slice(2, 8)}`,
  };
};
