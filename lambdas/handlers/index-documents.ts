import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { composeIndexer, type IndexerDeps } from '../composition/indexer.js';
import { loadRuntimeConfig } from '../composition/runtime-config.js';
import type { ObjectEvent } from '../core/ingestion/handle-object-events.js';
import type { BatchJobResult } from '../core/ingestion/index-batch.js';
import type { IndexJob } from '../core/ports/job-queue.js';
import { indexJobSchema } from '../core/schemas/index-job.js';
import {
  objectEventsOf,
  s3EventNotificationSchema,
  s3TestEventSchema,
} from '../core/schemas/object-events.js';
import { deferredHandler } from '../http/deferred-handler.js';

/** Longest failure reason stored on a document. */
const MAX_REASON_CHARS = 500;

const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Why a document failed, in words its owner can act on. */
export const failureReason = (error: unknown, attempts: number): string =>
  `Indexing failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${errorMessage(error)}`.slice(
    0,
    MAX_REASON_CHARS,
  );

/** What a message of the queue carries: our index job, S3 object events, or S3's test event. */
type QueueMessage =
  | { kind: 'job'; job: IndexJob }
  | { kind: 'objects'; events: ObjectEvent[] }
  | { kind: 'test' };

/**
 * Reads a record: an index job, an S3 event notification (the bucket notifies the same queue),
 * or the test event S3 sends when a notification is set up; throws (failing only this record)
 * when the body is none of them.
 */
const messageOf = (record: SQSRecord): QueueMessage => {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new Error('The message body is not JSON');
  }
  if (typeof body === 'object' && body !== null && 'Records' in body) {
    const notification = s3EventNotificationSchema.safeParse(body);
    if (!notification.success) throw new Error('The message body is not an S3 event notification');
    return { kind: 'objects', events: objectEventsOf(notification.data) };
  }
  if (s3TestEventSchema.safeParse(body).success) return { kind: 'test' };
  const result = indexJobSchema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new Error(`The message body is not an index job (${problems.join('; ')})`);
  }
  return { kind: 'job', job: result.data };
};

const receiveCountOf = (record: SQSRecord) =>
  Number(record.attributes.ApproximateReceiveCount) || 1;

/**
 * Builds the indexer: an SQS-triggered function that indexes the records of a batch together
 * (their chunks share embedding requests, see `IndexBatch`) and reports failures per record
 * with Powertools batch processing (`ReportBatchItemFailures`), so one bad record never fails
 * the batch.
 *
 * S3 event notifications share the queue: their object events (a presigned upload arriving, a
 * drop-folder file written or removed) go to `HandleObjectEvents`, which turns them into
 * document changes and index jobs; S3's test event is acknowledged and dropped.
 *
 * A record whose body is none of these fails alone, and so does a job whose preparation,
 * embedding request or storage failed. A failing record is retried by the queue (nothing spins
 * inside the function); on its last receive (`maxReceiveCount`) the document is first marked
 * `failed` with a readable reason, then the failure is reported and the queue moves the
 * message to the dead-letter queue. Work stops `deadlineMarginMs` before the function's
 * timeout, so that even a slow last attempt gets its failure recorded.
 *
 * @example
 * const handler = createHandler({ logger, indexBatch, indexDocument, maxReceiveCount: 5 });
 * await handler(sqsEvent, context); // { batchItemFailures: [{ itemIdentifier: '…' }] }
 */
export const createHandler = (deps: IndexerDeps) => {
  const { logger, indexBatch, indexDocument, objectEvents, maxReceiveCount } = deps;

  const handleObjects = async (record: SQSRecord, events: ObjectEvent[]) => {
    for (const event of events) {
      try {
        const outcome = await objectEvents.execute(event);
        // Most ignored events are the raw versions' own (the bucket notifies every tenants/ key).
        const log = outcome.kind === 'ignored' ? logger.debug : logger.info;
        log.call(logger, 'object event processed', {
          messageId: record.messageId,
          ...event,
          outcome,
        });
      } catch (error) {
        const receiveCount = receiveCountOf(record);
        const log = { messageId: record.messageId, receiveCount, ...event, error: error as Error };
        if (receiveCount >= maxReceiveCount) {
          logger.error('giving up: the object event goes to the dead-letter queue', log);
        } else logger.warn('object event failed; the queue will retry it', log);
        throw error;
      }
    }
  };

  const settle = async (record: SQSRecord, job: IndexJob, result: BatchJobResult) => {
    const receiveCount = receiveCountOf(record);
    const log = { messageId: record.messageId, receiveCount, ...job };
    if (result.kind !== 'failed') {
      logger.info('record processed', { ...log, outcome: result });
      return;
    }
    const { error } = result;
    if (receiveCount >= maxReceiveCount) {
      const marked = await indexDocument
        .giveUp(job, failureReason(error, receiveCount), receiveCount)
        .catch((markError: unknown) => {
          logger.error('could not mark the document failed', { ...log, error: markError as Error });
          return false;
        });
      logger.error('giving up: the message goes to the dead-letter queue', {
        ...log,
        marked,
        error: error as Error,
      });
    } else {
      logger.warn('record failed; the queue will retry it', { ...log, error: error as Error });
    }
    throw error;
  };

  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const signal = AbortSignal.timeout(
        Math.max(1, context.getRemainingTimeInMillis() - (deps.deadlineMarginMs ?? 5_000)),
      );
      const jobs = new Map<string, IndexJob>();
      const others = new Map<string, Exclude<QueueMessage, { kind: 'job' }>>();
      const poison = new Map<string, Error>();
      for (const record of event.Records) {
        try {
          const message = messageOf(record);
          if (message.kind === 'job') jobs.set(record.messageId, message.job);
          else others.set(record.messageId, message);
        } catch (error) {
          poison.set(record.messageId, error as Error);
        }
      }
      const valid = event.Records.filter((record) => jobs.has(record.messageId));
      const results = indexBatch
        .execute(
          valid.map((record) => ({
            job: jobs.get(record.messageId)!,
            attempt: receiveCountOf(record),
          })),
          { signal },
        )
        .then((list) => new Map(valid.map((record, index) => [record.messageId, list[index]!])));
      // One processor per invocation: its state is per batch, and locally batches may overlap.
      const processor = new BatchProcessor(EventType.SQS);
      return processPartialResponse(
        event,
        async (record: SQSRecord) => {
          const invalid = poison.get(record.messageId);
          if (invalid) {
            logger.error('poison message', {
              messageId: record.messageId,
              receiveCount: receiveCountOf(record),
              error: invalid,
              body: record.body.slice(0, 500),
            });
            throw invalid;
          }
          const other = others.get(record.messageId);
          if (other) {
            if (other.kind === 'objects') await handleObjects(record, other.events);
            return;
          }
          const result = (await results).get(record.messageId)!;
          await settle(record, jobs.get(record.messageId)!, result);
        },
        processor,
        { context, processInParallel: true, throwOnFullBatchFailure: false },
      );
    });
};

/** The Lambda entry point. */
export const handler = await deferredHandler(async () =>
  createHandler(await composeIndexer(loadRuntimeConfig(process.env))),
);
