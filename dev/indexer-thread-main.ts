/**
 * Entry point of the local indexer's worker thread (see `startFunctionThread`): the same
 * indexer handler the SQS-triggered Lambda runs, composed in its own thread, as Lambda runs it
 * in its own function. The thread runs at a lower priority (`lowerThreadPriority`), so
 * indexing never holds a core the API needs.
 */
import { composeIndexer } from '../lambdas/composition/indexer.js';
import { createHandler } from '../lambdas/handlers/index-documents.js';
import { lowerThreadPriority } from './background-priority.js';
import { serveFunctionThread } from './serve-function-thread.js';

lowerThreadPriority();
await serveFunctionThread('index-documents', async ({ data, shared, blobs, vectors, queue }) =>
  createHandler(await composeIndexer(data.config, shared, { blobs, vectors, queue })),
);
