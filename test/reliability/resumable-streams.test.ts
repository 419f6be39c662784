import type { UIMessageChunk } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../dev/local-stack.js';
import {
  chatTransport,
  deltasIn,
  resumeAndRead,
  sendAndRead,
  textOf,
  toMessage,
} from '../support/ai-sdk-chat.js';
import { client } from '../support/local-stack-client.js';
import type { OpenAiStandIn } from '../support/openai-stand-in.js';
import {
  type StackOnOpenAiStandIn,
  startStackOnOpenAiStandIn,
} from '../support/stack-on-openai-stand-in.js';

const CHATS = 100;
const WORDS = 40;

const scriptedReply = (question: string) =>
  `Answer to ${question}: ${Array.from({ length: WORDS }, (_, index) => `word${index}`).join(' ')}.`;

/** A small seeded generator (mulberry32), so a failing run can be replayed from its seed. */
const seededRandom = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

interface ChatOutcome {
  question: string;
  chatId: string;
  /** The message the client ended with (replays joined), or the stored answer after a 204. */
  text: string;
  messageIdSeen?: string;
  messageIdFinal?: string;
  resumes: number;
  statuses: number[];
}

describe(`resumable streams: ${CHATS} concurrent chats with random cuts and resumes`, () => {
  let openai: OpenAiStandIn;
  let stack: LocalStack;
  let started: StackOnOpenAiStandIn;
  const seed = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);

  beforeAll(async () => {
    started = await startStackOnOpenAiStandIn('reliability-resume-', {
      tokenIntervalMs: 10,
      reply: ({ messages }) => {
        const last = String(messages.at(-1)?.content ?? '');
        return scriptedReply(/Question: (R-\d+)/.exec(last)?.[1] ?? 'unknown');
      },
    });
    ({ stack, openai } = started);
  });

  afterAll(() => started?.close());

  it('ends every client with the whole answer, stores each once, calls the model once per chat, answers no 5xx', async () => {
    const random = seededRandom(seed);
    const transport = chatTransport(stack.streamUrl, stack.apiKey);
    const cutAt = () => {
      const roll = random();
      if (roll < 0.1) return undefined;
      return Math.floor(random() * (WORDS + 2));
    };
    const plans = Array.from({ length: CHATS }, () => ({
      first: cutAt(),
      resumeCuts: random() < 0.3 ? [Math.floor(random() * WORDS)] : [],
    }));
    const upstreamBefore = openai.requests.length;

    const outcomes = await Promise.all(
      plans.map(async (plan, index): Promise<ChatOutcome> => {
        const question = `R-${index}`;
        const chatId = `reliable-${seed}-${index}`;
        const statuses: number[] = [];
        const cut = (n: number | undefined) =>
          n === undefined ? undefined : (chunks: UIMessageChunk[]) => deltasIn(chunks) >= n;
        const first = await sendAndRead(
          transport,
          chatId,
          `Question: ${question}`,
          cut(plan.first),
        );
        const messageIdSeen = (
          first.chunks.find((chunk) => chunk.type === 'start') as { messageId?: string } | undefined
        )?.messageId;
        let chunks = first.chunks;
        let complete = first.complete;
        let resumes = 0;
        const resumeCuts = [...plan.resumeCuts];
        while (!complete) {
          resumes += 1;
          const resumed = await resumeAndRead(transport, chatId, cut(resumeCuts.shift())).catch(
            (error: { statusCode?: number }) => {
              statuses.push(error.statusCode ?? 0);
              throw error;
            },
          );
          if (!resumed) {
            statuses.push(204);
            const reply = await client(stack, stack.apiKey).json('GET', `/v1/sessions/${chatId}`);
            statuses.push(reply.status);
            const [answer] = (reply.body as { items?: { id: string; content: string }[] })
              .items ?? [{ id: '', content: '' }];
            return {
              question,
              chatId,
              text: answer?.content ?? '',
              ...(messageIdSeen ? { messageIdSeen } : {}),
              ...(answer?.id ? { messageIdFinal: answer.id } : {}),
              resumes,
              statuses,
            };
          }
          statuses.push(200);
          chunks = resumed.chunks;
          complete = resumed.complete;
        }
        const message = await toMessage(chunks);
        return {
          question,
          chatId,
          text: textOf(message),
          ...(messageIdSeen ? { messageIdSeen } : {}),
          ...(message?.id ? { messageIdFinal: message.id } : {}),
          resumes,
          statuses,
        };
      }),
    );

    const lost = outcomes.filter(
      (outcome) =>
        outcome.text !== scriptedReply(outcome.question) ||
        (outcome.messageIdSeen !== undefined && outcome.messageIdSeen !== outcome.messageIdFinal),
    );
    expect(lost, `seed ${seed}`).toEqual([]);
    expect(
      outcomes.flatMap((outcome) => outcome.statuses).filter((status) => status >= 500),
    ).toEqual([]);
    const upstream = openai.requests.slice(upstreamBefore).filter((request) => request.stream);
    expect(upstream).toHaveLength(CHATS);
    expect(upstream.filter((request) => request.clientAborted)).toEqual([]);
    const stored = await Promise.all(
      outcomes.map(async (outcome) => {
        const reply = await client(stack, stack.apiKey).json(
          'GET',
          `/v1/sessions/${outcome.chatId}`,
        );
        return (reply.body as { items: { role: string; content: string; incomplete?: boolean }[] })
          .items;
      }),
    );
    const badlyStored = stored.filter(
      (items, index) =>
        items.length !== 2 ||
        items[0]?.content !== scriptedReply(outcomes[index]!.question) ||
        items[0]?.incomplete !== undefined,
    );
    expect(badlyStored).toEqual([]);
    const resumed = outcomes.filter((outcome) => outcome.resumes > 0).length;
    console.info(
      `seed ${seed}: ${CHATS} chats, ${resumed} resumed (${outcomes.reduce((sum, outcome) => sum + outcome.resumes, 0)} resumes)`,
    );
    openai.assertNoViolations();
  }, 180_000);
});
