import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../dev/local-stack.js';
import { client } from '../support/local-stack-client.js';
import type { OpenAiStandIn } from '../support/openai-stand-in.js';
import {
  type StackOnOpenAiStandIn,
  startStackOnOpenAiStandIn,
} from '../support/stack-on-openai-stand-in.js';

const REPLY = Array.from({ length: 12 }, (_, index) => `word${index}`).join(' ');

interface DeltaRead {
  delta: string;
  at: number;
}

/** Posts to the streaming URL and timestamps every text delta as the client reads it. */
const streamDeltas = async (
  stack: LocalStack,
  body: unknown,
  options: { stopAfter?: number } = {},
): Promise<{ deltas: DeltaRead[]; reads: number; sessionId?: string }> => {
  const abort = new AbortController();
  const response = await fetch(stack.streamUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: abort.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const deltas: DeltaRead[] = [];
  let sessionId: string | undefined;
  let buffer = '';
  let reads = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const at = performance.now();
      reads += 1;
      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('data: {')) continue;
        const part = JSON.parse(line.slice(6)) as {
          type: string;
          delta?: string;
          messageMetadata?: { sessionId: string };
        };
        if (part.type === 'start') sessionId = part.messageMetadata?.sessionId;
        if (part.type === 'text-delta') deltas.push({ delta: part.delta ?? '', at });
      }
      if (options.stopAfter !== undefined && deltas.length >= options.stopAfter) {
        abort.abort();
        break;
      }
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  }
  return { deltas, reads, ...(sessionId ? { sessionId } : {}) };
};

describe('streaming over real HTTP, with the OpenAI stand-in as the model', () => {
  let openai: OpenAiStandIn;
  let stack: LocalStack;
  let started: StackOnOpenAiStandIn;

  beforeAll(async () => {
    started = await startStackOnOpenAiStandIn(
      'streaming-',
      { tokenIntervalMs: 50, reply: () => REPLY },
      {
        // Abort on disconnect is the behaviour without resumable streams (see resumable-streams.test.ts).
        RESUMABLE_STREAMS: 'false',
      },
    );
    ({ stack, openai } = started);
  });
  afterAll(() => started?.close());

  it('delivers every token within a few ms of the model writing it, not in bursts', async () => {
    const { deltas } = await streamDeltas(stack, { message: 'Tell me twelve words' });

    const upstream = openai.requests
      .filter((request) => request.endpoint === 'chat.completions' && request.stream)
      .at(-1)!;
    expect(deltas.map((read) => read.delta).join('')).toBe(REPLY);
    expect(deltas).toHaveLength(upstream.tokenWrites.length);
    const lags = deltas.map((read, index) => read.at - upstream.tokenWrites[index]!);
    lags.forEach((lag, index) => {
      expect(lag, `token ${index}`).toBeGreaterThanOrEqual(0);
      // A held-back stream would delay every token by a whole token interval (50 ms). The last
      // token is written just before the turn is stored, and this test's client shares its
      // thread with the local stack: its read can wait for that work.
      expect(lag, `token ${index}`).toBeLessThan(index === lags.length - 1 ? 100 : 50);
    });
    const sorted = [...lags].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)], 'median lag').toBeLessThan(25);
    const gaps = deltas.slice(1).map((read, index) => read.at - deltas[index]!.at);
    expect(Math.min(...gaps)).toBeGreaterThan(25);
  });

  it('closes the upstream request at once when the client goes away after 3 tokens, keeping them', async () => {
    const { deltas, sessionId } = await streamDeltas(
      stack,
      { message: 'Tell me twelve words' },
      { stopAfter: 3 },
    );
    const upstream = openai.requests
      .filter((request) => request.endpoint === 'chat.completions' && request.stream)
      .at(-1)!;
    await upstream.settled;

    expect(upstream.clientAborted).toBe(true);
    expect(upstream.tokenWrites.length).toBeLessThan(6);
    await expect
      .poll(async () => {
        const reply = await client(stack, stack.apiKey).json('GET', `/v1/sessions/${sessionId}`);
        return (reply.body as { items?: { role: string; content: string; incomplete?: boolean }[] })
          .items;
      })
      .toEqual([
        expect.objectContaining({
          role: 'assistant',
          content: expect.stringMatching(
            new RegExp(`^${deltas.map((read) => read.delta).join('')}`),
          ),
          incomplete: true,
        }),
        expect.objectContaining({ role: 'user', content: 'Tell me twelve words' }),
      ]);
  });

  it('sends the model only requests the real API would accept', () => {
    openai.assertNoViolations();
  });
});
