import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type IndexJob, indexJobBody, type JobQueue } from '../../core/ports/job-queue.js';
import { localLambdaContext } from './local-lambda-context.js';

/**
 * An SQS-triggered function, as the queue calls it: it answers `{ batchItemFailures }`, or
 * nothing when every record succeeded.
 */
export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<unknown>;

/** Options of {@link InProcessQueue}; the defaults mirror the deployed event source mapping. */
export interface InProcessQueueOptions {
  /** The consumer: receives real `SQSEvent` batches, answers `{ batchItemFailures }`. */
  handler: SqsBatchHandler;
  /** Name in the records' `eventSourceARN` and the function's context. Default `index-documents`. */
  queueName?: string;
  /** Most records per batch. Default 10. */
  batchSize?: number;
  /** How long a partial batch waits for more messages (the batching window). Default 100 ms. */
  batchWindowMs?: number;
  /** Receives after which a still-failing message moves to the dead-letter list. Default 5. */
  maxReceiveCount?: number;
  /**
   * How long a failed message stays invisible before its next delivery, by the receives so far
   * (SQS's visibility timeout, with backoff). Default 1 s, doubling, at most 30 s.
   */
  retryDelayMs?: (receiveCount: number) => number;
  /** Batches delivered at the same time (the mapping's maximum concurrency). Default 2. */
  maxConcurrency?: number;
  /** The function's timeout: a batch not answered in time fails as a whole. Default 60 s. */
  functionTimeoutMs?: number;
  /** Told about batches that failed as a whole (the handler threw or timed out). */
  onBatchError?: (error: unknown, event: SQSEvent) => void;
}

/** A message that failed `maxReceiveCount` times: the local dead-letter queue's content. */
export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: Date;
  movedAt: Date;
}

/** How many messages the queue holds, by state. */
export interface QueueDepth {
  /** Deliverable now. */
  visible: number;
  /** Waiting out a retry delay. */
  delayed: number;
  /** In a batch the handler is processing. */
  inFlight: number;
}

interface Message {
  messageId: string;
  body: string;
  sequence: number;
  sentAt: number;
  firstReceivedAt?: number;
  receiveCount: number;
  visibleAt: number;
  inFlight: boolean;
}

const REGION = 'local';
const ACCOUNT = '000000000000';

const defaultRetryDelay = (receiveCount: number) =>
  Math.min(1000 * 2 ** (receiveCount - 1), 30_000);

/**
 * The local stack's SQS queue and Lambda event source mapping in one: messages sent to it are
 * delivered to the handler as real `SQSEvent` batches (records shaped as Lambda builds them:
 * `messageId`, a fresh `receiptHandle` per receive, `attributes.ApproximateReceiveCount`,
 * `SentTimestamp`, `md5OfBody`, `eventSourceARN`…), up to `batchSize` records, with at most
 * `maxConcurrency` batches in flight. As Lambda does, a batch gathers records for up to
 * `batchWindowMs` from when it could be invoked: when the first record arrived with a slot
 * free, or when a slot freed with records waiting.
 *
 * Partial failures follow `ReportBatchItemFailures`: the records named in `batchItemFailures`
 * are redelivered after a backoff, the others are deleted; a handler that throws, times out
 * or names a record that is not in the batch fails the whole batch. A message that has failed
 * `maxReceiveCount` receives moves to {@link deadLetters} instead.
 *
 * Everything lives in memory: messages in the queue at shutdown are lost (as they would not be
 * in SQS); the documents they belong to stay `queued` and can be uploaded again.
 *
 * @example
 * const queue = new InProcessQueue({ handler: indexer, batchSize: 10, batchWindowMs: 100 });
 * await queue.enqueue({ tenantId: 'local', documentId, version: 1 });
 * await queue.drain(); // in tests: deliver everything now, retries included
 * await queue.close();
 */
export class InProcessQueue implements JobQueue {
  readonly #options: Required<Omit<InProcessQueueOptions, 'onBatchError'>> &
    Pick<InProcessQueueOptions, 'onBatchError'>;
  readonly #messages = new Map<string, Message>();
  readonly #deadLetters: DeadLetter[] = [];
  readonly #batches = new Set<Promise<void>>();
  #waiters: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** When a batch slot last became free after all were busy (0: free from the start). */
  #slotFreeSince = 0;
  #sequence = 0;
  #fastForward = 0;
  #closed = false;

  constructor(options: InProcessQueueOptions) {
    this.#options = {
      queueName: 'index-documents',
      batchSize: 10,
      batchWindowMs: 100,
      maxReceiveCount: 5,
      retryDelayMs: defaultRetryDelay,
      maxConcurrency: 2,
      functionTimeoutMs: 60_000,
      ...options,
    };
    if (this.#options.batchSize < 1 || this.#options.maxConcurrency < 1) {
      throw new RangeError('batchSize and maxConcurrency must be at least 1');
    }
  }

  /** The queue's ARN, as records carry it in `eventSourceARN`. */
  get arn(): string {
    return `arn:aws:sqs:${REGION}:${ACCOUNT}:${this.#options.queueName}`;
  }

  /** Messages that failed `maxReceiveCount` times, oldest first. */
  get deadLetters(): readonly DeadLetter[] {
    return this.#deadLetters;
  }

  /** How many messages the queue holds, by state. */
  get depth(): QueueDepth {
    const now = Date.now();
    const depth: QueueDepth = { visible: 0, delayed: 0, inFlight: 0 };
    for (const message of this.#messages.values()) {
      if (message.inFlight) depth.inFlight += 1;
      else if (message.visibleAt > now) depth.delayed += 1;
      else depth.visible += 1;
    }
    return depth;
  }

  /** Sends the claim check of an indexing job (the {@link JobQueue} port). */
  async enqueue(job: IndexJob): Promise<void> {
    this.send(JSON.stringify(indexJobBody(job)));
  }

  /**
   * Sends a message with any body (SQS `SendMessage`), optionally delayed; returns its id.
   *
   * @throws Error once the queue is closed.
   */
  send(body: string, options: { delayMs?: number } = {}): string {
    if (this.#closed) throw new Error('The queue is closed');
    const now = Date.now();
    const message: Message = {
      messageId: randomUUID(),
      body,
      sequence: this.#sequence++,
      sentAt: now,
      receiveCount: 0,
      visibleAt: now + (options.delayMs ?? 0),
      inFlight: false,
    };
    this.#messages.set(message.messageId, message);
    this.#schedule();
    return message.messageId;
  }

  /**
   * Resolves once the queue is empty: every message deleted or dead-lettered, no batch in
   * flight. Retries run on their normal schedule meanwhile.
   */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Like {@link idle}, but without waiting: batching windows and retry delays are skipped
   * until the queue is empty, so a test sees every delivery, retry and dead-lettering at once.
   */
  async drain(): Promise<void> {
    this.#fastForward += 1;
    try {
      this.#schedule();
      await this.idle();
    } finally {
      this.#fastForward -= 1;
    }
  }

  /** Stops delivering and waits for the batches in flight; pending waiters are released. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    while (this.#batches.size > 0) await Promise.allSettled([...this.#batches]);
    this.#release();
  }

  #isIdle(): boolean {
    return this.#messages.size === 0 && this.#batches.size === 0;
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Starts every batch that may start now, and sets a timer for the next one that may. */
  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed) return;
    const fastForward = this.#fastForward > 0;
    while (this.#batches.size < this.#options.maxConcurrency) {
      const now = Date.now();
      const waiting = [...this.#messages.values()].filter((message) => !message.inFlight);
      const visible = waiting
        .filter((message) => fastForward || message.visibleAt <= now)
        .sort((a, b) => a.visibleAt - b.visibleAt || a.sequence - b.sequence);
      if (visible.length === 0) {
        const next = Math.min(...waiting.map((message) => message.visibleAt));
        if (Number.isFinite(next)) this.#wakeAt(next);
        return;
      }
      // The window is the time Lambda spends gathering records once it can invoke (a free
      // slot), not counted from when the oldest record was sent: records that waited for a
      // slot still wait for company, so a backlog under the batch size makes fuller batches.
      const gatheringSince = Math.max(visible[0]!.visibleAt, this.#slotFreeSince);
      const windowEnds = gatheringSince + this.#options.batchWindowMs;
      if (!fastForward && visible.length < this.#options.batchSize && windowEnds > now) {
        this.#wakeAt(windowEnds);
        return;
      }
      this.#start(visible.slice(0, this.#options.batchSize));
    }
  }

  #wakeAt(at: number): void {
    this.#timer = setTimeout(() => this.#schedule(), Math.max(0, at - Date.now()));
    this.#timer.unref();
  }

  #start(batch: Message[]): void {
    const now = Date.now();
    for (const message of batch) {
      message.inFlight = true;
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
    }
    const delivery = this.#deliver(batch).finally(() => {
      if (this.#batches.size >= this.#options.maxConcurrency) this.#slotFreeSince = Date.now();
      this.#batches.delete(delivery);
      this.#schedule();
      if (this.#isIdle()) this.#release();
    });
    this.#batches.add(delivery);
  }

  async #deliver(batch: Message[]): Promise<void> {
    const event: SQSEvent = { Records: batch.map((message) => this.#recordOf(message)) };
    const failed = await this.#invoke(event);
    const now = Date.now();
    for (const message of batch) {
      message.inFlight = false;
      if (!failed.has(message.messageId)) {
        this.#messages.delete(message.messageId);
      } else if (message.receiveCount >= this.#options.maxReceiveCount) {
        this.#messages.delete(message.messageId);
        this.#deadLetters.push({
          messageId: message.messageId,
          body: message.body,
          receiveCount: message.receiveCount,
          sentAt: new Date(message.sentAt),
          movedAt: new Date(now),
        });
      } else {
        message.visibleAt = now + this.#options.retryDelayMs(message.receiveCount);
      }
    }
  }

  /** Calls the handler; returns the ids of the records that failed. */
  async #invoke(event: SQSEvent): Promise<Set<string>> {
    const all = new Set(event.Records.map((record) => record.messageId));
    const { functionTimeoutMs, queueName } = this.#options;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Task timed out after ${functionTimeoutMs} ms`)),
          functionTimeoutMs,
        );
      });
      const response = await Promise.race([
        this.#options.handler(event, localLambdaContext(queueName, functionTimeoutMs)),
        timeout,
      ]);
      const failures = (response as Partial<SQSBatchResponse> | undefined)?.batchItemFailures ?? [];
      const failed = new Set(failures.map((failure) => failure?.itemIdentifier));
      // Lambda fails the whole batch when a failure names no record of it.
      for (const id of failed) if (typeof id !== 'string' || !all.has(id)) return all;
      return failed;
    } catch (error) {
      this.#options.onBatchError?.(error, event);
      return all;
    } finally {
      clearTimeout(timer);
    }
  }

  #recordOf(message: Message): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: randomBytes(48).toString('base64'),
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: `${ACCOUNT}:local`,
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: REGION,
    };
  }
}
