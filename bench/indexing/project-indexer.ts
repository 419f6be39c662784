import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSEvent } from 'aws-lambda';
import { DynamoDbDocumentStore } from '../../lambdas/adapters/dynamodb/dynamodb-document-store.js';
import { FilesystemBlobStore } from '../../lambdas/adapters/local/filesystem-blob-store.js';
import { InProcessQueue } from '../../lambdas/adapters/local/in-process-queue.js';
import { composeIndexer } from '../../lambdas/composition/indexer.js';
import { composeReaders } from '../../lambdas/composition/ingestion-adapters.js';
import { loadRuntimeConfig } from '../../lambdas/composition/runtime-config.js';
import { UploadDocument } from '../../lambdas/core/ingestion/upload-document.js';
import { systemClock } from '../../lambdas/core/ports/clock.js';
import type { IndexJob } from '../../lambdas/core/ports/job-queue.js';
import { createHandler } from '../../lambdas/handlers/index-documents.js';
import { type DynaliteHandle, startDynalite } from '../../test/support/dynalite.js';
import type { CorpusDocument } from './corpus.js';

/** SQS records per indexer invocation: the deployed default (`indexerBatchSize`, `lib/config.ts`). */
export const DEPLOYED_BATCH_SIZE = 10;
/** Concurrent indexer invocations: the deployed default (`indexerMaxConcurrency`). */
export const DEPLOYED_MAX_CONCURRENCY = 5;
/** The batching window; the deployed 5 s would only delay the last, partial batch. */
const BATCH_WINDOW_MS = 100;

/** The tenant the corpus is indexed for (the local stack's development tenant). */
export const BENCH_TENANT = 'local';

/** One timed pass of the corpus through the indexer. */
export interface IndexingRun {
  seconds: number;
  documents: number;
  chunks: number;
  embeddingCalls: number;
  failed: number;
}

/** The project's indexer, composed over dynalite, a filesystem blob store and the stand-ins. */
export interface ProjectIndexer {
  /** Uploads every document (for a new tenant each run, untimed), then times their indexing. */
  run(documents: readonly CorpusDocument[], embeddingCalls: () => number): Promise<IndexingRun>;
  close(): Promise<void>;
}

/**
 * Composes the indexer exactly as the Lambda function does (`composeIndexer`: OpenAI embedder
 * without SDK retries, Qdrant adapter, DynamoDB document store) over dynalite (in memory), a
 * filesystem blob store and the given stand-ins (`env`: `OPENAI_BASE_URL`, `QDRANT_URL`…),
 * behind the in-process queue delivering real `SQSEvent` batches to the SQS handler with the
 * deployed batch size and maximum concurrency.
 *
 * @example
 * const indexer = await startProjectIndexer(env, 'bench/.work/indexing');
 * const run = await indexer.run(corpus.documents, () => standIn.callCount('embeddings'));
 */
export const startProjectIndexer = async (
  env: Record<string, string>,
  workDir: string,
): Promise<ProjectIndexer> => {
  const db: DynaliteHandle = await startDynalite('bench-documents');
  const config = loadRuntimeConfig({ ...env, TABLE_NAME: db.tableName });
  const logger = new Logger({ serviceName: 'bench-indexer', logLevel: 'WARN' });
  const blobs = new FilesystemBlobStore(join(workDir, 'blobs'));
  const documents = new DynamoDbDocumentStore(db.documentClient, db.tableName);
  let indexer: ((event: SQSEvent, context: Context) => Promise<unknown>) | undefined;
  const queue = new InProcessQueue({
    handler: (event, context) => indexer!(event, context),
    batchSize: DEPLOYED_BATCH_SIZE,
    batchWindowMs: BATCH_WINDOW_MS,
    maxConcurrency: DEPLOYED_MAX_CONCURRENCY,
    maxReceiveCount: 1,
    functionTimeoutMs: 120_000,
  });
  indexer = createHandler(
    await composeIndexer(config, { logger, dynamo: db.documentClient }, { blobs, queue }),
  ) as unknown as (event: SQSEvent, context: Context) => Promise<unknown>;

  const jobs: IndexJob[] = [];
  const upload = new UploadDocument({
    documents,
    blobs,
    queue: { enqueue: async (job) => void jobs.push(job) },
    clock: systemClock,
    maxBytes: config.MAX_UPLOAD_BYTES,
    readers: composeReaders(),
  });

  let runs = 0;
  return {
    run: async (corpus, embeddingCalls) => {
      jobs.length = 0;
      // Each run indexes the corpus for a tenant of its own: re-uploading the same bytes under
      // the same tenant is answered `unchanged` and indexes nothing.
      const tenantId = `${BENCH_TENANT}-${runs++}`;
      for (const document of corpus) {
        await upload.execute({
          tenantId,
          title: document.title,
          content: Buffer.from(document.text),
          contentType: 'text/markdown',
        });
      }
      const callsBefore = embeddingCalls();
      const started = performance.now();
      for (const job of jobs) await queue.enqueue(job);
      await queue.idle();
      const seconds = (performance.now() - started) / 1000;
      const records = await Promise.all(
        jobs.map((job) => documents.get(job.tenantId, job.documentId)),
      );
      return {
        seconds,
        documents: jobs.length,
        chunks: records.reduce((sum, record) => sum + (record?.chunkCount ?? 0), 0),
        embeddingCalls: embeddingCalls() - callsBefore,
        failed: records.filter((record) => record?.status !== 'ready').length,
      };
    },
    close: async () => {
      await queue.close();
      await db.close();
    },
  };
};
