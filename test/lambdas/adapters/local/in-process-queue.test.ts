import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InProcessQueue,
  type InProcessQueueOptions,
  type SqsBatchHandler,
} from '../../../../lambdas/adapters/local/in-process-queue.js';

const queues: InProcessQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.close()));
});

const create = (options: Partial<InProcessQueueOptions> & { handler: SqsBatchHandler }) => {
  const queue = new InProcessQueue({ batchWindowMs: 10, retryDelayMs: () => 5, ...options });
  queues.push(queue);
  return queue;
};

/** A handler that records every batch and fails the records `fails` picks. */
const recorder = (fails: (body: string, receiveCount: number) => boolean = () => false) => {
  const batches: SQSEvent[] = [];
  const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    batches.push(structuredClone(event));
    return {
      batchItemFailures: event.Records.filter((record) =>
        fails(record.body, Number(record.attributes.ApproximateReceiveCount)),
      ).map((record) => ({ itemIdentifier: record.messageId })),
    };
  };
  const receivesOf = (body: string) =>
    batches.flatMap((batch) => batch.Records).filter((record) => record.body === body);
  return { batches, handler, receivesOf };
};

describe('InProcessQueue', () => {
  it('delivers records shaped as Lambda builds them from SQS', async () => {
    const { batches, handler } = recorder();
    const queue = create({ handler, queueName: 'index-documents' });

    const messageId = queue.send('{"hello":"world"}');
    await queue.drain();

    const record = batches[0]!.Records[0]!;
    expect(record).toMatchObject({
      messageId,
      body: '{"hello":"world"}',
      md5OfBody: createHash('md5').update('{"hello":"world"}').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:index-documents',
      awsRegion: 'local',
      messageAttributes: {},
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d+$/),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: expect.any(String),
      },
    });
    expect(record.receiptHandle.length).toBeGreaterThan(20);
  });

  it('sends an indexing job as its claim check', async () => {
    const { batches, handler } = recorder();
    const queue = create({ handler });

    await queue.enqueue({ tenantId: 'local', documentId: 'd-1', version: 2 });
    await queue.drain();

    expect(JSON.parse(batches[0]!.Records[0]!.body)).toEqual({
      tenantId: 'local',
      documentId: 'd-1',
      version: 2,
    });
  });

  it("sends a part's range with its claim check", async () => {
    const { batches, handler } = recorder();
    const queue = create({ handler });
    const part = { index: 1, count: 3, fromChunk: 256, toChunk: 512 };

    await queue.enqueue({ tenantId: 'local', documentId: 'd-1', version: 2, part });
    await queue.drain();

    expect(JSON.parse(batches[0]!.Records[0]!.body)).toEqual({
      tenantId: 'local',
      documentId: 'd-1',
      version: 2,
      part,
    });
  });

  it('groups messages into batches of at most batchSize', async () => {
    const { batches, handler } = recorder();
    const queue = create({ handler, batchSize: 10, maxConcurrency: 1 });

    for (let i = 0; i < 25; i += 1) queue.send(`m${i}`);
    await queue.idle();

    expect(batches.map((batch) => batch.Records.length)).toEqual([10, 10, 5]);
  });

  it('waits up to the batching window to fill a batch', async () => {
    const { batches, handler } = recorder();
    const queue = create({ handler, batchSize: 10, batchWindowMs: 50 });

    queue.send('first');
    await new Promise((resolve) => setTimeout(resolve, 10));
    queue.send('second');
    await queue.idle();

    expect(batches.map((batch) => batch.Records.map((record) => record.body))).toEqual([
      ['first', 'second'],
    ]);
  });

  it('counts the batching window from when a slot frees, not from the oldest waiting message', async () => {
    const batches: string[][] = [];
    const queue: InProcessQueue = create({
      batchSize: 10,
      batchWindowMs: 40,
      maxConcurrency: 1,
      handler: async (event) => {
        batches.push(event.Records.map((record) => record.body));
        if (batches.length > 1) return;
        // 'b' waits out more than a window behind the busy slot; 'c' comes just after it frees.
        queue.send('b');
        await new Promise((resolve) => setTimeout(resolve, 60));
        setTimeout(() => queue.send('c'), 10);
      },
    });

    queue.send('a');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await queue.idle();

    expect(batches).toEqual([['a'], ['b', 'c']]);
  });

  it('redelivers only the records reported in batchItemFailures, with a higher receive count', async () => {
    const { batches, handler, receivesOf } = recorder(
      (body, count) => body === 'flaky' && count < 3,
    );
    const queue = create({ handler });

    for (const body of ['ok-1', 'flaky', 'ok-2']) queue.send(body);
    await queue.drain();

    expect(receivesOf('ok-1')).toHaveLength(1);
    expect(receivesOf('ok-2')).toHaveLength(1);
    expect(receivesOf('flaky').map((r) => r.attributes.ApproximateReceiveCount)).toEqual([
      '1',
      '2',
      '3',
    ]);
    expect(new Set(receivesOf('flaky').map((r) => r.receiptHandle)).size).toBe(3);
    expect(queue.deadLetters).toEqual([]);
    expect(batches.length).toBe(3);
  });

  it('moves a message to the dead-letter list after 5 failed receives', async () => {
    const { handler, receivesOf } = recorder((body) => body === 'poison');
    const queue = create({ handler });

    const id = queue.send('poison');
    queue.send('fine');
    await queue.drain();

    expect(receivesOf('poison').map((r) => r.attributes.ApproximateReceiveCount)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    expect(queue.deadLetters).toEqual([
      expect.objectContaining({ messageId: id, body: 'poison', receiveCount: 5 }),
    ]);
    expect(queue.depth).toEqual({ visible: 0, delayed: 0, inFlight: 0 });
  });

  it('retries the whole batch when the handler throws', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const queue = create({
      handler: async () => {
        calls += 1;
        if (calls === 1) throw new Error('init failed');
        return { batchItemFailures: [] };
      },
      onBatchError: (error) => errors.push(error),
    });

    queue.send('a');
    queue.send('b');
    await queue.drain();

    expect(calls).toBe(2);
    expect(errors).toEqual([new Error('init failed')]);
  });

  it('fails the whole batch when a failure names a record not in it, as Lambda does', async () => {
    const seen: string[] = [];
    const queue = create({
      handler: async (event) => {
        seen.push(...event.Records.map((record) => record.attributes.ApproximateReceiveCount));
        return seen.length === 1 ? { batchItemFailures: [{ itemIdentifier: 'nope' }] } : {};
      },
    });

    queue.send('a');
    await queue.drain();

    expect(seen).toEqual(['1', '2']);
  });

  it('fails a batch the handler does not answer within the function timeout', async () => {
    let calls = 0;
    const queue = create({
      functionTimeoutMs: 20,
      handler: async () => {
        calls += 1;
        if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 200));
      },
    });

    queue.send('slow');
    await queue.drain();

    expect(calls).toBe(2);
  });

  it('waits out a growing retry delay between receives', async () => {
    const delays: number[] = [];
    const times: number[] = [];
    const queue = create({
      retryDelayMs: (count) => {
        delays.push(count);
        return 20 * count;
      },
      handler: async (event) => {
        times.push(Date.now());
        return {
          batchItemFailures:
            times.length < 3 ? [{ itemIdentifier: event.Records[0]!.messageId }] : [],
        };
      },
    });

    queue.send('retry me');
    await queue.idle();

    expect(delays).toEqual([1, 2]);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(18);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(38);
  });

  it('keeps at most maxConcurrency batches in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const queue = create({
      batchSize: 1,
      maxConcurrency: 2,
      handler: async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
      },
    });

    for (let i = 0; i < 6; i += 1) queue.send(`m${i}`);
    await queue.drain();

    expect(peak).toBe(2);
  });

  it('stops delivering once closed', async () => {
    const { batches, handler } = recorder();
    const queue = create({ handler, batchWindowMs: 1_000 });

    queue.send('never delivered');
    await queue.close();

    expect(batches).toEqual([]);
    expect(() => queue.send('late')).toThrow('closed');
  });
});
