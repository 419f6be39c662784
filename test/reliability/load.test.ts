import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../dev/local-stack.js';
import { client, streamParts } from '../support/local-stack-client.js';
import type { OpenAiStandIn, StandInChatMessage } from '../support/openai-stand-in.js';
import {
  type StackOnOpenAiStandIn,
  startStackOnOpenAiStandIn,
} from '../support/stack-on-openai-stand-in.js';
import { settledHeap } from './support/settled-heap.js';

const STREAMS = 100;
const WORDS = 40;

/** The stand-in's scripted reply: names the question it answers, so crossed streams show. */
const scriptedReply = (question: string) =>
  `Answer to ${question}: ${Array.from({ length: WORDS }, (_, index) => `word${index}`).join(' ')}.`;

const questionIn = (messages: StandInChatMessage[]): string => {
  const last = messages.at(-1)?.content;
  return /Question: (Q-\w+)/.exec(typeof last === 'string' ? last : '')?.[1] ?? 'unknown';
};

interface StreamOutcome {
  question: string;
  status: number;
  text: string;
  sessionId: string | undefined;
  types: string[];
}

describe(`load: ${STREAMS} concurrent streams on the local stack`, () => {
  let openai: OpenAiStandIn;
  let stack: LocalStack;
  let started: StackOnOpenAiStandIn;

  /** Streams `STREAMS` questions at once; resolves with what each client read. */
  const streamRound = (round: string): Promise<StreamOutcome[]> =>
    Promise.all(
      Array.from({ length: STREAMS }, async (_, index) => {
        const question = `Q-${round}${index}`;
        const reply = await client(stack, stack.apiKey).stream({
          message: `${question}: what do retries absorb?`,
        });
        const parts = streamParts(reply.text);
        const start = parts.find((part) => part.type === 'start') as
          | { messageMetadata: { sessionId: string } }
          | undefined;
        return {
          question,
          status: reply.status,
          text: parts
            .filter((part) => part.type === 'text-delta')
            .map((part) => part.delta)
            .join(''),
          sessionId: start?.messageMetadata.sessionId,
          types: [...new Set(parts.map((part) => part.type))],
        };
      }),
    );

  beforeAll(async () => {
    started = await startStackOnOpenAiStandIn('reliability-load-', {
      tokenIntervalMs: 2,
      reply: ({ messages }) => scriptedReply(questionIn(messages)),
    });
    ({ stack, openai } = started);
    const api = client(stack, stack.apiKey);
    const upload = await api.json('POST', '/v1/documents', {
      title: 'Reliability guide',
      text: '# Reliability\n\nRetries absorb transient faults. Timeouts bound slow dependencies.',
    });
    await api.waitForDocument((upload.body as { id: string }).id);
  });

  afterAll(() => started?.close());

  it('completes every stream with its full text, stores each answer whole, and gives its memory back', async () => {
    // Warm-up: the same load twice, so lazy initialisation, optimised code, pools and caches
    // are not counted.
    for (const round of ['w', 'x']) {
      const warmUp = await streamRound(round);
      const wrong = warmUp.filter((outcome) => outcome.text !== scriptedReply(outcome.question));
      expect(wrong).toEqual([]);
    }
    const before = await settledHeap();
    const upstreamBefore = openai.requests.length;
    const started = performance.now();

    const outcomes = await streamRound('m');

    const elapsedMs = performance.now() - started;
    const incomplete = outcomes.filter(
      (outcome) =>
        outcome.status !== 200 ||
        outcome.text !== scriptedReply(outcome.question) ||
        !outcome.types.includes('finish') ||
        outcome.types.includes('error'),
    );
    expect(incomplete).toEqual([]);
    const upstream = openai.requests.slice(upstreamBefore).filter((request) => request.stream);
    expect(upstream).toHaveLength(STREAMS);
    expect(upstream.filter((request) => request.clientAborted)).toEqual([]);
    const stored = await Promise.all(
      outcomes.map(async (outcome) => {
        const reply = await client(stack, stack.apiKey).json(
          'GET',
          `/v1/sessions/${outcome.sessionId}`,
        );
        const [answer] = (reply.body as { items: { content: string; incomplete?: boolean }[] })
          .items;
        return answer?.content === outcome.text && answer.incomplete === undefined;
      }),
    );
    expect(stored.filter((whole) => !whole)).toHaveLength(0);

    const after = await settledHeap();
    const growth = (after - before) / before;
    console.info(
      `${STREAMS} concurrent streams in ${Math.round(elapsedMs)} ms; heap ${(before / 2 ** 20).toFixed(1)} MB → ${(after / 2 ** 20).toFixed(1)} MB (${(growth * 100).toFixed(1)}%)`,
    );
    expect(growth).toBeLessThanOrEqual(0.1);
    openai.assertNoViolations();
  }, 120_000);
});
