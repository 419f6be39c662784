import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { composeIndexer } from '../composition/indexer.js';
import { loadRuntimeConfig } from '../composition/runtime-config.js';
import type { IndexDocument } from '../core/ingestion/index-document.js';
import type { IndexJob } from '../core/ports/job-queue.js';
import { indexJobSchema } from '../core/schemas/documents.js';
import { deferredHandler } from '../http/deferred-handler.js';

/** Dependencies of the indexer function. */
export interface IndexerDeps {
  logger: Logger;
  indexDocument: Pick<IndexDocument, 'execute' | 'markFailed'>;
  /** The queue's `maxReceiveCount`: the receive on which a failing record is given up. */
  maxReceiveCount: number;
  /** Time kept before the function's timeout to stop work and record failures. Default 5 s. */
  deadlineMarginMs?: number;
}

/** Longest failure reason stored on a document. */
const MAX_REASON_CHARS = 500;

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Why a document failed, in words its owner can act on. */
export const failureReason = (error: unknown, attempts: number): string =>
  `Indexing failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${messageOf(error)}`.slice(
    0,
    MAX_REASON_CHARS,
  );

/** The claim check of a record; throws (failing only this record) when the body is not one. */
const jobOf = (record: SQSRecord): IndexJob => {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new Error('The message body is not JSON');
  }
  const result = indexJobSchema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new Error(`The message body is not an index job (${problems.join('; ')})`);
  }
  return result.data;
};

/**
 * Builds the indexer: an SQS-triggered function that indexes each record's document version
 * with Powertools batch processing, records concurrently, and reports failures per record
 * (`ReportBatchItemFailures`), so one bad record never fails the batch.
 *
 * A record whose body is not an index job fails alone. A failing record is retried by the
 * queue (nothing spins inside the function); on its last receive (`maxReceiveCount`) the
 * document is first marked `failed` with a readable reason, then the failure is reported and
 * the queue moves the message to the dead-letter queue. Work stops `deadlineMarginMs` before
 * the function's timeout, so that even a slow last attempt gets its failure recorded.
 *
 * @example
 * const handler = createHandler({ logger, indexDocument, maxReceiveCount: 5 });
 * await handler(sqsEvent, context); // { batchItemFailures: [{ itemIdentifier: '…' }] }
 */
export const createHandler = (deps: IndexerDeps) => {
  const { logger, indexDocument, maxReceiveCount } = deps;

  const indexRecord = async (record: SQSRecord, signal: AbortSignal): Promise<void> => {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
    const log = { messageId: record.messageId, receiveCount };
    let job: IndexJob;
    try {
      job = jobOf(record);
    } catch (error) {
      logger.error('poison message', {
        ...log,
        error: error as Error,
        body: record.body.slice(0, 500),
      });
      throw error;
    }
    try {
      const outcome = await indexDocument.execute(job, { attempt: receiveCount, signal });
      logger.info('record processed', { ...log, ...job, outcome });
    } catch (error) {
      if (receiveCount >= maxReceiveCount) {
        const marked = await indexDocument
          .markFailed(job, failureReason(error, receiveCount), receiveCount)
          .catch((markError: unknown) => {
            logger.error('could not mark the document failed', {
              ...log,
              ...job,
              error: markError as Error,
            });
            return false;
          });
        logger.error('giving up: the message goes to the dead-letter queue', {
          ...log,
          ...job,
          marked,
          error: error as Error,
        });
      } else {
        logger.warn('record failed; the queue will retry it', {
          ...log,
          ...job,
          error: error as Error,
        });
      }
      throw error;
    }
  };

  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const signal = AbortSignal.timeout(
        Math.max(1, context.getRemainingTimeInMillis() - (deps.deadlineMarginMs ?? 5_000)),
      );
      // One processor per invocation: its state is per batch, and locally batches may overlap.
      const processor = new BatchProcessor(EventType.SQS);
      return processPartialResponse(
        event,
        (record: SQSRecord) => indexRecord(record, signal),
        processor,
        {
          context,
          processInParallel: true,
          throwOnFullBatchFailure: false,
        },
      );
    });
};

/** The Lambda entry point. */
export const handler = await deferredHandler(async () =>
  createHandler(await composeIndexer(loadRuntimeConfig(process.env))),
);
