import type { MiddlewareObj } from '@middy/core';
import { composeDocumentsApi, type DocumentsApiDeps } from '../composition/documents-api.js';
import { loadRuntimeConfig } from '../composition/runtime-config.js';
import {
  resolveContentType,
  SUPPORTED_CONTENT_TYPES,
  type SupportedContentType,
} from '../core/ingestion/content-types.js';
import type { UploadDocumentInput } from '../core/ingestion/upload-document.js';
import type { DocumentRecord } from '../core/ports/document-store.js';
import { HttpProblem, notFound } from '../core/problem.js';
import { pageQuery } from '../core/schemas/common.js';
import {
  chunkPageQuery,
  documentPathSchema,
  parsedUploadFormSchema,
  titleFromFileName,
  uploadDocumentSchema,
} from '../core/schemas/documents.js';
import { requestUploadSchema } from '../core/schemas/uploads.js';
import { tenantOf } from '../http/authenticate.js';
import { createHttpHandler } from '../http/create-http-handler.js';
import { deferredHandler } from '../http/deferred-handler.js';
import { documentTooLarge } from '../http/document-too-large.js';
import type { ApiContext, HttpEvent, HttpResult } from '../http/http-types.js';
import { mediaTypeOf } from '../http/media-type.js';
import { parseMultipart } from '../http/parse-multipart.js';
import { parsePart } from '../http/request-parts.js';
import { json } from '../http/responses.js';
import { timeBudget, withinBudget } from '../http/time-budget.js';
import { httpUnavailable } from '../http/unavailable.js';

const UPLOAD_ROUTE = 'POST /v1/documents';

const isMultipart = (event: HttpEvent) =>
  mediaTypeOf(event.headers['content-type']) === 'multipart/form-data';

/**
 * Parses the multipart upload (API Gateway's base64 bodies included), stopping a file at
 * `maxBytes` (413) and answering malformed forms with a 400; the parsed fields and files
 * replace the body, as Middy's parsers do.
 */
const multipartUpload = (
  maxBytes: number,
): MiddlewareObj<HttpEvent, HttpResult, Error, ApiContext> => ({
  before: async (request) => {
    if (request.event.routeKey !== UPLOAD_ROUTE || !isMultipart(request.event)) return;
    const { fields, files } = await parseMultipart(request.event, {
      fileSize: maxBytes,
      files: 1,
      fields: 8,
      fieldSize: 65_536,
    });
    (request.event as { body: unknown }).body = { ...fields, ...files };
  },
});

const fromJson = (body: unknown, maxUploadBytes: number): Omit<UploadDocumentInput, 'tenantId'> => {
  const { title, text, metadata } = parsePart(uploadDocumentSchema, body, 'body');
  if (Buffer.byteLength(text, 'utf8') > maxUploadBytes) throw documentTooLarge(maxUploadBytes);
  return {
    title,
    content: Buffer.from(text, 'utf8'),
    contentType: 'text/markdown',
    ...(metadata ? { metadata } : {}),
  };
};

const fromForm = (body: unknown): Omit<UploadDocumentInput, 'tenantId'> => {
  const { file, title, metadata } = parsePart(parsedUploadFormSchema, body, 'body');
  const contentType: SupportedContentType | undefined = resolveContentType(
    file.mimetype,
    file.filename,
  );
  if (!contentType) {
    throw new HttpProblem(415, {
      detail: `Files of type ${file.mimetype || 'unknown'} are not supported; send ${SUPPORTED_CONTENT_TYPES.join(', ')}`,
    });
  }
  return {
    title: title ?? titleFromFileName(file.filename),
    content: file.content,
    contentType,
    fileName: file.filename,
    ...(metadata ? { metadata } : {}),
  };
};

/** The content type of a presigned upload's file, as for a multipart file: 415 when unsupported. */
const supportedType = (mediaType: string, fileName?: string): SupportedContentType => {
  const contentType = resolveContentType(mediaType, fileName);
  if (!contentType) {
    throw new HttpProblem(415, {
      detail: `Files of type ${mediaType} are not supported; send ${SUPPORTED_CONTENT_TYPES.join(', ')}`,
    });
  }
  return contentType;
};

/**
 * A document as clients see it: no storage keys, no tenant, and no chunk count while it is being
 * deleted (its chunk listing and answers show none of its chunks by then).
 */
export const toDocumentView = (record: DocumentRecord) => ({
  id: record.documentId,
  title: record.title,
  status: record.status,
  version: record.version,
  contentType: record.contentType,
  sizeBytes: record.sizeBytes,
  ...(record.chunkCount !== undefined && record.status !== 'deleting'
    ? { chunkCount: record.chunkCount }
    : {}),
  ...(record.status === 'indexing' && record.parts !== undefined
    ? { parts: record.parts, partsDone: record.partsDone ?? 0 }
    : {}),
  ...(record.error !== undefined ? { error: record.error } : {}),
  ...(record.attempts !== undefined ? { attempts: record.attempts } : {}),
  ...(record.metadata ? { metadata: record.metadata } : {}),
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
});

const documentId = (event: HttpEvent): string =>
  parsePart(documentPathSchema, event.pathParameters ?? {}, 'path').id;

/**
 * Builds the documents function: `POST /v1/documents` (JSON `{ title, text, metadata? }` or a
 * multipart upload of a `file` with an optional `title` and `metadata`; `202` with `Location`
 * once the upload is stored and queued), `POST /v1/uploads` (`201`: a presigned `PUT` for a
 * file up to `MAX_PRESIGNED_UPLOAD_BYTES`, its document `awaiting-upload`), `GET /v1/documents` (newest first, paginated),
 * `GET /v1/documents/{id}` (status, chunk count, error, timestamps) and
 * `DELETE /v1/documents/{id}` (`204`; chunks, uploads and record) and
 * `GET /v1/documents/{id}/chunks` (its indexed chunks, in order, a page at a time; none once
 * its deletion has begun, as answers cite none). Every route reads the tenant
 * from the authenticated caller only, so another tenant's document is a 404.
 *
 * @example
 * const handler = createHandler({ http, documents, uploadDocument, deleteDocument, maxUploadBytes });
 */
export const createHandler = (deps: DocumentsApiDeps) =>
  createHttpHandler({
    ...deps.http,
    bodyTooLarge: () => documentTooLarge(deps.maxUploadBytes),
    routes: {
      [UPLOAD_ROUTE]: async (event, context) => {
        const input = isMultipart(event)
          ? fromForm(event.body)
          : fromJson(event.body, deps.maxUploadBytes);
        const signal = timeBudget(context, deps.budgetMarginMs ?? 1_000);
        const accepted = await withinBudget(
          signal,
          deps.uploadDocument.execute({ tenantId: tenantOf(context), ...input, signal }),
        );
        return json(accepted.unchanged ? 200 : 202, accepted, {
          location: `/v1/documents/${accepted.id}`,
        });
      },
      'POST /v1/uploads': async (event, context) => {
        const body = parsePart(requestUploadSchema, event.body, 'body');
        const requested = await deps.requestUpload.execute({
          tenantId: tenantOf(context),
          title: body.title ?? titleFromFileName(body.fileName ?? ''),
          contentType: supportedType(body.contentType, body.fileName),
          contentLength: body.contentLength,
          ...(body.metadata ? { metadata: body.metadata } : {}),
        });
        return json(201, requested, { location: `/v1/documents/${requested.id}` });
      },
      'GET /v1/documents': async (event, context) => {
        const page = parsePart(pageQuery, event.queryStringParameters ?? {}, 'query');
        const { items, nextCursor } = await deps.documents.list(tenantOf(context), page);
        return json(200, {
          items: items.map(toDocumentView),
          ...(nextCursor ? { nextCursor } : {}),
        });
      },
      'GET /v1/documents/{id}': async (event, context) => {
        const record = await deps.documents.get(tenantOf(context), documentId(event));
        if (!record) throw notFound('Document');
        return json(200, toDocumentView(record));
      },
      'DELETE /v1/documents/{id}': async (event, context) => {
        const deleted = await deps.deleteDocument.execute(tenantOf(context), documentId(event));
        if (!deleted) throw notFound('Document');
        return { statusCode: 204 };
      },
      'GET /v1/documents/{id}/chunks': async (event, context) => {
        const tenantId = tenantOf(context);
        const page = parsePart(chunkPageQuery, event.queryStringParameters ?? {}, 'query');
        const record = await deps.documents.get(tenantId, documentId(event));
        if (!record) throw notFound('Document');
        // A deletion's tombstone hides the chunks at once, as answers do: the vector store may
        // still hold them until the deletion finishes.
        if (record.status === 'deleting')
          return json(200, { documentId: record.documentId, items: [] });
        const items = await deps.chunks.listDocumentChunks(tenantId, record.documentId, page);
        const next = page.offset + page.limit;
        const more =
          record.chunkCount === undefined ? items.length === page.limit : next < record.chunkCount;
        return json(200, {
          documentId: record.documentId,
          items,
          ...(more ? { nextOffset: next } : {}),
        });
      },
    },
  }).use(multipartUpload(deps.maxUploadBytes));

/** The Lambda entry point. */
export const handler = await deferredHandler(
  async () => createHandler(await composeDocumentsApi(loadRuntimeConfig(process.env))),
  httpUnavailable,
);
