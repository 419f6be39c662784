/**
 * Entry point of the local documents function's worker thread (see `startFunctionThread`):
 * the same handler the documents Lambda runs, in its own thread, so that a burst of uploads
 * (parsing, hashing, DynamoDB and blob writes) never delays the requests of the other
 * functions. Presigned URLs are signed for the local stack's S3 endpoint.
 */
import { composeDocumentsApi } from '../lambdas/composition/documents-api.js';
import { createHandler } from '../lambdas/handlers/documents-api.js';
import { localUploadUrlSigner } from './local-upload-url-signer.js';
import { serveFunctionThread } from './serve-function-thread.js';

await serveFunctionThread('documents-api', async ({ data, shared, blobs, vectors, queue }) =>
  createHandler(
    await composeDocumentsApi(data.config, shared, {
      blobs,
      vectors,
      queue,
      ...(data.uploads ? { uploadUrls: localUploadUrlSigner(data.uploads) } : {}),
    }),
  ),
);
