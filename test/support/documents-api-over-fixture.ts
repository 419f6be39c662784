import type { UploadDocument } from '../../lambdas/core/ingestion/upload-document.js';
import { createHandler } from '../../lambdas/handlers/documents-api.js';
import { testHttpOptions } from './http-deps.js';
import type { ingestionFixture } from './ingestion-fixture.js';

/**
 * The documents function over an {@link ingestionFixture}'s use cases, with one API key
 * (`key-a`, tenant `tenant-a`) and a 10 000-byte body limit; `uploadDocument` replaces the
 * fixture's upload use case when a spec needs its own.
 *
 * @example
 * const fixture = ingestionFixture({ maxUploadBytes: 2_000 });
 * const handler = documentsApiOver(fixture, { maxUploadBytes: 2_000 });
 */
export const documentsApiOver = (
  fixture: ReturnType<typeof ingestionFixture>,
  options: { maxUploadBytes: number; uploadDocument?: UploadDocument },
) =>
  createHandler({
    http: testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 }),
    documents: fixture.documents,
    uploadDocument: options.uploadDocument ?? fixture.upload,
    requestUpload: fixture.requestUpload,
    deleteDocument: fixture.deleteDocument,
    chunks: fixture.vectors,
    maxUploadBytes: options.maxUploadBytes,
  });
