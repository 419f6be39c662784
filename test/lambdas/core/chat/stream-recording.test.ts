import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStreamLog } from '../../../../lambdas/adapters/dynamodb/dynamodb-stream-log.js';
import { followStream } from '../../../../lambdas/core/chat/follow-stream.js';
import { StreamRecorder } from '../../../../lambdas/core/chat/stream-recorder.js';
import type { UiMessagePart } from '../../../../lambdas/core/chat/ui-message-stream.js';
import { systemClock } from '../../../../lambdas/core/ports/clock.js';
import type { StreamLog } from '../../../../lambdas/core/ports/stream-log.js';
import { type DynaliteHandle, startDynalite } from '../../../support/dynalite.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const start: UiMessagePart = {
  type: 'start',
  messageId: 'm1',
  messageMetadata: { sessionId: 'c' },
};
const delta = (index: number): UiMessagePart => ({
  type: 'text-delta',
  id: 't',
  delta: ` w${index}`,
});
const finish: UiMessagePart = {
  type: 'finish',
  finishReason: 'stop',
  messageMetadata: { sessionId: 'c' },
};

const collect = async (parts: AsyncIterable<UiMessagePart>) => {
  const all: UiMessagePart[] = [];
  for await (const part of parts) all.push(part);
  return all;
};

describe('StreamRecorder and followStream', () => {
  let db: DynaliteHandle;
  let log: DynamoDbStreamLog;
  let chats = 0;
  const stream = () => ({
    tenantId: 'tenant-a',
    chatId: `chat-${++chats}`,
    streamId: `stream-${chats}`,
    deadlineAt: Date.now() + 30_000,
    requestedAt: Date.now(),
  });

  beforeAll(async () => {
    db = await startDynalite();
    log = new DynamoDbStreamLog(db.documentClient, {
      tableName: db.tableName,
      clock: systemClock,
      ttlSeconds: 600,
    });
  });
  afterAll(() => db.close());

  it('writes an answer in batches bounded by time, not one write per token', async () => {
    const recorded = stream();
    const recorder = await StreamRecorder.begin(log, recorded, {
      flushIntervalMs: 100,
      onStop: () => {},
    });
    const sent = [start, ...Array.from({ length: 60 }, (_, index) => delta(index)), finish];

    const startedAt = performance.now();
    for (const part of sent) {
      recorder.add(part);
      await sleep(5);
    }
    await recorder.close();
    const elapsedMs = performance.now() - startedAt;

    const batches = await log.read(recorded.tenantId, recorded.chatId, recorded.streamId, 0);
    expect(batches.flatMap((batch) => batch.parts)).toEqual(sent);
    expect(batches.at(-1)?.final).toBe(true);
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 100) + 1);
    expect(recorder.writeCount).toBe(batches.length + 2);
    expect(
      await log.active(recorded.tenantId, recorded.chatId, { consistent: true }),
    ).toBeUndefined();
  });

  it('calls onStop when a stop is requested through the log', async () => {
    const recorded = stream();
    let stopped = false;
    const recorder = await StreamRecorder.begin(log, recorded, {
      stopPollMs: 20,
      onStop: () => {
        stopped = true;
      },
    });

    await log.requestStop(recorded.tenantId, recorded.chatId, {
      staleBefore: 0,
      requestedAt: Date.now(),
    });
    await expect.poll(() => stopped, { timeout: 2_000 }).toBe(true);
    await recorder.close();
  });

  it('calls onStop as it begins when the stop came while the answer was prepared', async () => {
    const recorded = stream();
    await log.requestStop(recorded.tenantId, recorded.chatId, {
      staleBefore: 0,
      requestedAt: Date.now(),
    });
    let stopped = false;

    const recorder = await StreamRecorder.begin(log, recorded, {
      onStop: () => {
        stopped = true;
      },
    });

    expect(stopped).toBe(true);
    await recorder.close();
  });

  it('lets a follower replay from start and follow live to the last part', async () => {
    const recorded = stream();
    const recorder = await StreamRecorder.begin(log, recorded, {
      flushIntervalMs: 30,
      onStop: () => {},
    });
    const sent = [start, ...Array.from({ length: 20 }, (_, index) => delta(index)), finish];
    recorder.add(sent[0]!);
    recorder.add(sent[1]!);
    await sleep(60);

    const following = collect(
      followStream(log, {
        tenantId: recorded.tenantId,
        chatId: recorded.chatId,
        stream: {
          streamId: recorded.streamId,
          deadlineAt: recorded.deadlineAt,
          stopRequested: false,
        },
      }),
    );
    for (const part of sent.slice(2)) {
      recorder.add(part);
      await sleep(5);
    }
    await recorder.close();

    expect(await following).toEqual(sent);
  });

  it('ends a follower with an error part once the writer is past its deadline and a margin', async () => {
    const recorded = { ...stream(), deadlineAt: Date.now() + 50 };
    await log.begin(recorded.tenantId, recorded.chatId, recorded);
    await log.append(recorded.tenantId, recorded.chatId, recorded.streamId, {
      seq: 0,
      parts: [start],
      final: false,
    });

    const followed = await collect(
      followStream(
        log,
        {
          tenantId: recorded.tenantId,
          chatId: recorded.chatId,
          stream: {
            streamId: recorded.streamId,
            deadlineAt: recorded.deadlineAt,
            stopRequested: false,
          },
        },
        { deadlineMarginMs: 100, activeCheckMs: 60_000 },
      ),
    );

    expect(followed).toEqual([
      start,
      { type: 'error', errorText: expect.stringContaining('time budget') },
    ]);
  });

  it('ends a follower with an error part when the stream stops being active without its last part', async () => {
    const recorded = stream();
    await log.begin(recorded.tenantId, recorded.chatId, recorded);
    await log.append(recorded.tenantId, recorded.chatId, recorded.streamId, {
      seq: 0,
      parts: [start],
      final: false,
    });

    const following = collect(
      followStream(
        log,
        {
          tenantId: recorded.tenantId,
          chatId: recorded.chatId,
          stream: {
            streamId: recorded.streamId,
            deadlineAt: recorded.deadlineAt,
            stopRequested: false,
          },
        },
        { activeCheckMs: 50 },
      ),
    );
    await log.end(recorded.tenantId, recorded.chatId, recorded.streamId);

    expect(await following).toEqual([
      start,
      { type: 'error', errorText: expect.stringContaining('stopped being recorded') },
    ]);
  });

  it.each([
    ['whose marker a newer question on the same chat replaced', false],
    ['when a newer answer on the same chat begins and ends between its checks', true],
  ])('keeps following a stream %s', async (_, newerEnds) => {
    const first = stream();
    const second = { ...first, streamId: `${first.streamId}-next` };
    await log.begin(first.tenantId, first.chatId, first);
    await log.append(first.tenantId, first.chatId, first.streamId, {
      seq: 0,
      parts: [start],
      final: false,
    });
    await log.begin(second.tenantId, second.chatId, second);
    if (newerEnds) await log.end(second.tenantId, second.chatId, second.streamId);

    const following = collect(
      followStream(
        log,
        {
          tenantId: first.tenantId,
          chatId: first.chatId,
          stream: { streamId: first.streamId, deadlineAt: first.deadlineAt, stopRequested: false },
        },
        { activeCheckMs: 20 },
      ),
    );
    await sleep(150);
    await log.append(first.tenantId, first.chatId, first.streamId, {
      seq: 1,
      parts: [finish],
      final: true,
    });

    expect(await following).toEqual([start, finish]);
  });

  it('ends a follower with an error part soon after a batch write fails, while the answer goes on', async () => {
    const recorded = stream();
    const failing: StreamLog = {
      begin: (...args) => log.begin(...args),
      append: async (tenantId, chatId, streamId, batch) => {
        if (batch.seq === 1) throw new Error('ProvisionedThroughputExceededException');
        return log.append(tenantId, chatId, streamId, batch);
      },
      active: (...args) => log.active(...args),
      stopRequestedAt: (...args) => log.stopRequestedAt(...args),
      lastEnded: (...args) => log.lastEnded(...args),
      read: (...args) => log.read(...args),
      requestStop: (...args) => log.requestStop(...args),
      end: (...args) => log.end(...args),
    };
    const recorder = await StreamRecorder.begin(failing, recorded, {
      flushIntervalMs: 10,
      onStop: () => {},
      onError: () => {},
    });
    recorder.add(start);
    await sleep(50);
    recorder.add(delta(1));

    const following = collect(
      followStream(
        log,
        {
          tenantId: recorded.tenantId,
          chatId: recorded.chatId,
          stream: {
            streamId: recorded.streamId,
            deadlineAt: recorded.deadlineAt,
            stopRequested: false,
          },
        },
        { activeCheckMs: 20 },
      ),
    );
    const beforeTheAnswerEnds = await Promise.race([
      following,
      sleep(3_000).then(() => 'still waiting' as const),
    ]);
    await recorder.close();

    expect(beforeTheAnswerEnds).toEqual([
      start,
      { type: 'error', errorText: expect.stringContaining('stopped being recorded') },
    ]);
  });
});
