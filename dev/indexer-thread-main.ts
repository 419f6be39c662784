/**
 * Entry point of the local indexer's worker thread (see `startFunctionThread`): the same
 * indexer handler the SQS-triggered Lambda runs, composed in its own thread, as Lambda runs it
 * in its own function.
 */
import { composeIndexer } from '../lambdas/composition/indexer.js';
import { createHandler } from '../lambdas/handlers/index-documents.js';
import { serveFunctionThread } from './serve-function-thread.js';

await serveFunctionThread('index-documents', async ({ data, shared, blobs, vectors, queue }) =>
  createHandler(await composeIndexer(data.config, shared, { blobs, vectors, queue })),
);
