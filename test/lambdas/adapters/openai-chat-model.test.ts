import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  OpenAiChatModel,
  type OpenAiChatModelOptions,
} from '../../../lambdas/adapters/openai/openai-chat-model.js';
import { DependencyError } from '../../../lambdas/core/dependency-error.js';
import type { ChatMessage, CompletionEvent } from '../../../lambdas/core/ports/chat-model.js';
import { type OpenAiStandIn, startOpenAiStandIn } from '../../support/openai-stand-in.js';

let standIn: OpenAiStandIn;
let firstRequest = 0;

const REPLY = 'Path parameters are declared in the path [1].';
const messages: ChatMessage[] = [
  { role: 'system', content: 'Answer from the sources.' },
  { role: 'user', content: 'What are path parameters?' },
];

const model = (
  options: Partial<OpenAiChatModelOptions> = {},
  client: { timeout?: number; maxRetries?: number } = {},
) =>
  new OpenAiChatModel(
    new OpenAI({
      apiKey: 'sk-test',
      baseURL: standIn.url,
      timeout: client.timeout ?? 5_000,
      maxRetries: client.maxRetries ?? 2,
    }),
    { model: 'gpt-4o-mini', ...options },
  );

const chatRequests = () =>
  standIn.requests.slice(firstRequest).filter((request) => request.endpoint === 'chat.completions');

const collect = async (events: AsyncIterable<CompletionEvent>): Promise<CompletionEvent[]> => {
  const seen: CompletionEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
};

beforeAll(async () => {
  standIn = await startOpenAiStandIn({ logViolations: false });
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(() => {
  firstRequest = standIn.requests.length;
  standIn.configure({ reply: () => REPLY, firstTokenDelayMs: 0, tokenIntervalMs: 0 });
});

afterEach(() => {
  standIn.clearFaults();
  try {
    standIn.assertNoViolations();
  } finally {
    standIn.clearViolations();
  }
});

describe('OpenAiChatModel against the OpenAI stand-in', () => {
  describe('complete', () => {
    it('says the reply stopped at its token cap (finish reason length)', async () => {
      const completion = await model({ maxTokens: 3 }).complete(messages);

      expect(completion.finishReason).toBe('length');
    });

    it('returns the reply, the model and the usage the provider reported', async () => {
      const completion = await model().complete(messages);

      expect(completion).toEqual({
        content: REPLY,
        model: 'gpt-4o-mini',
        usage: { promptTokens: 8, completionTokens: 8, totalTokens: 16 },
        finishReason: 'stop',
      });
    });

    it('sends the messages, the cap as max_completion_tokens and no temperature by default', async () => {
      await model({ maxTokens: 300 }).complete(messages);

      expect(chatRequests()[0]?.body).toEqual({
        model: 'gpt-4o-mini',
        messages,
        max_completion_tokens: 300,
      });
    });

    it("uses the call's cap, the chosen field and the temperature when configured", async () => {
      await model({ maxTokens: 300, maxTokensField: 'max_tokens', temperature: 0.2 }).complete(
        messages,
        { maxTokens: 50 },
      );

      expect(chatRequests()[0]?.body).toMatchObject({ max_tokens: 50, temperature: 0.2 });
    });
  });

  describe('stream', () => {
    it('does not count the time its consumer takes with a delta as the provider being idle', async () => {
      const slowConsumer = model({ streamIdleTimeoutMs: 100 });
      const seen: string[] = [];

      for await (const event of slowConsumer.stream(messages)) {
        seen.push(event.type);
        if (seen.length === 1) await new Promise((resolve) => setTimeout(resolve, 250));
      }

      expect(seen.at(-1)).toBe('done');
    });

    it("keeps the provider's words of a mid-stream error event out of the problem detail", async () => {
      const chunk = {
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'm',
        choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }],
      };
      const failing = {
        error: {
          message: 'upstream http://10.0.0.7:8080 key=sk-live-SECRET',
          type: 'server_error',
        },
      };
      const body = `data: ${JSON.stringify(chunk)}\n\ndata: ${JSON.stringify(failing)}\n\n`;
      const client = new OpenAI({
        apiKey: 'sk-test',
        baseURL: 'http://openai.invalid/v1',
        maxRetries: 0,
        fetch: async () =>
          new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
      });
      const streamed = collect(new OpenAiChatModel(client, { model: 'm' }).stream(messages));

      const failure = (await streamed.catch((error: unknown) => error)) as DependencyError;

      expect(failure).toBeInstanceOf(DependencyError);
      expect(failure.detail).not.toContain('sk-live-SECRET');
      expect(failure.detail).not.toContain('10.0.0.7');
    });

    it('yields one delta per content chunk, then one done with model and usage', async () => {
      const events = await collect(model().stream(messages));

      const deltas = events.filter((event) => event.type === 'delta');
      expect(deltas.length).toBe(8);
      expect(deltas.map((event) => event.text).join('')).toBe(REPLY);
      expect(events.at(-1)).toEqual({
        type: 'done',
        model: 'gpt-4o-mini',
        usage: { promptTokens: 8, completionTokens: 8, totalTokens: 16 },
        finishReason: 'stop',
      });
      expect(events.filter((event) => event.type === 'done')).toHaveLength(1);
    });

    it('says the reply stopped at its token cap (finish reason length)', async () => {
      const events = await collect(model({ maxTokens: 3 }).stream(messages));

      expect(events.filter((event) => event.type === 'delta')).toHaveLength(3);
      expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'length' });
    });

    it('asks for a stream with usage', async () => {
      await collect(model().stream(messages));

      expect(chatRequests()[0]?.body).toMatchObject({
        stream: true,
        stream_options: { include_usage: true },
      });
    });

    it('hands each token over as it arrives, not at the end', async () => {
      standIn.configure({ tokenIntervalMs: 40 });
      const arrivals: number[] = [];

      for await (const event of model().stream(messages)) {
        if (event.type === 'delta') arrivals.push(Date.now());
      }

      expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(250);
    });

    it('closes the upstream request at once when the caller aborts, and propagates the abort', async () => {
      standIn.configure({ tokenIntervalMs: 50 });
      const controller = new AbortController();
      const seen: string[] = [];

      const failure = await (async () => {
        for await (const event of model().stream(messages, { signal: controller.signal })) {
          if (event.type === 'delta') seen.push(event.text);
          if (seen.length === 2) controller.abort();
        }
      })().catch((error: unknown) => error);

      expect(failure).not.toBeInstanceOf(DependencyError);
      expect(failure).toMatchObject({ name: 'AbortError' });
      expect(seen).toHaveLength(2);
      const [request] = chatRequests();
      await request?.settled;
      expect(request?.clientAborted).toBe(true);
      expect(request?.tokenWrites.length).toBeLessThan(5);
    });

    it('closes the upstream request when aborted before the first token', async () => {
      standIn.configure({ firstTokenDelayMs: 2_000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);

      const failure = await collect(model().stream(messages, { signal: controller.signal })).catch(
        (error: unknown) => error,
      );

      expect(failure).toBeInstanceOf(OpenAI.APIUserAbortError);
      await chatRequests()[0]?.settled;
      expect(chatRequests()[0]?.clientAborted).toBe(true);
    });

    it('closes the upstream request when the consumer stops early', async () => {
      standIn.configure({ tokenIntervalMs: 50 });

      for await (const event of model().stream(messages)) {
        if (event.type === 'delta') break;
      }

      const [request] = chatRequests();
      await request?.settled;
      expect(request?.clientAborted).toBe(true);
    });

    it('retries a 429 that arrives before the stream starts', async () => {
      standIn.setFault('chat.completions', { kind: '429', retryAfterSeconds: 1 }, 1);

      const events = await collect(model().stream(messages));

      expect(events.at(-1)?.type).toBe('done');
      expect(chatRequests().map((request) => request.status)).toEqual([429, 200]);
    });

    it('answers DependencyError 503 when the connection drops mid-stream', async () => {
      standIn.setFault('chat.completions', { kind: 'drop-mid-stream', afterTokens: 3 }, 1);
      const seen: CompletionEvent[] = [];

      const failure = await (async () => {
        for await (const event of model().stream(messages)) seen.push(event);
      })().catch((error: unknown) => error);

      expect(failure).toMatchObject({ dependency: 'openai', failure: 'unavailable', status: 503 });
      expect(seen.every((event) => event.type === 'delta')).toBe(true);
    });

    it('answers DependencyError 504 when the stream goes silent', async () => {
      standIn.configure({ tokenIntervalMs: 1_000 });

      const failure = await collect(model({ streamIdleTimeoutMs: 100 }).stream(messages)).catch(
        (error: unknown) => error,
      );

      expect(failure).toMatchObject({ dependency: 'openai', failure: 'timeout', status: 504 });
      await chatRequests()[0]?.settled;
      expect(chatRequests()[0]?.clientAborted).toBe(true);
    });
  });

  describe('failures', () => {
    it('waits as Retry-After says after a 429, then succeeds', async () => {
      standIn.setFault('chat.completions', { kind: '429', retryAfterSeconds: 1 }, 1);

      const completion = await model().complete(messages);

      expect(completion.content).toBe(REPLY);
      const [limited, retried] = chatRequests();
      expect((retried?.receivedAt ?? 0) - (limited?.receivedAt ?? 0)).toBeGreaterThanOrEqual(990);
    });

    it('answers DependencyError 503 when the rate limit persists', async () => {
      standIn.setFault('chat.completions', { kind: '429', retryAfterSeconds: 1 });

      const failure = await model({}, { maxRetries: 1 })
        .complete(messages)
        .catch((error: unknown) => error);

      expect(failure).toMatchObject({ dependency: 'openai', failure: 'unavailable', status: 503 });
    });

    it('answers DependencyError 503 after retrying a persistent 500', async () => {
      standIn.setFault('chat.completions', { kind: '500' });

      const failure = await model({}, { maxRetries: 2 })
        .complete(messages)
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(DependencyError);
      expect(failure).toMatchObject({ dependency: 'openai', failure: 'unavailable', status: 503 });
      expect(chatRequests()).toHaveLength(3);
    });

    it('answers DependencyError 504 when the provider hangs past the timeout', async () => {
      standIn.setFault('chat.completions', { kind: 'hang' });

      const buffered = await model({}, { timeout: 100, maxRetries: 0 })
        .complete(messages)
        .catch((error: unknown) => error);
      const streamed = await collect(
        model({}, { timeout: 100, maxRetries: 0 }).stream(messages),
      ).catch((error: unknown) => error);

      expect(buffered).toMatchObject({ dependency: 'openai', failure: 'timeout', status: 504 });
      expect(streamed).toMatchObject({ dependency: 'openai', failure: 'timeout', status: 504 });
    });

    it("propagates the caller's abort of a buffered call untranslated", async () => {
      standIn.setFault('chat.completions', { kind: 'hang' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);

      const failure = await model()
        .complete(messages, { signal: controller.signal })
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(OpenAI.APIUserAbortError);
      await chatRequests()[0]?.settled;
      expect(chatRequests()[0]?.clientAborted).toBe(true);
    });
  });
});
