import type { z } from 'zod';
import {
  chatRequestSchema,
  chatResponseSchema,
  sessionListSchema,
  sessionMessagesSchema,
} from '../core/schemas/chat.js';
import { pageQuery } from '../core/schemas/common.js';
import {
  documentAcceptedSchema,
  documentListSchema,
  documentSchema,
  uploadDocumentFormSchema,
  uploadDocumentSchema,
} from '../core/schemas/documents.js';
import { usageReportSchema } from '../core/schemas/usage.js';

/** One documented response. */
export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  mediaType?: string;
  headers?: Record<string, string>;
}

/** What `/openapi.json` says about one route, beside its schemas. */
export interface OperationDoc {
  operationId: string;
  summary: string;
  tag: string;
  body?: { schema: z.ZodType; mediaType?: string }[];
  query?: z.ZodObject;
  responses: Record<number, ResponseDoc>;
}

/** The headers of a request admitted on a limited route (draft-ietf-httpapi-ratelimit-headers). */
const RATE_LIMIT_HEADERS = {
  'RateLimit-Policy': 'The quota: `"default";q=<requests>;w=<seconds>`',
  RateLimit: 'What is left: `"default";r=<remaining>;t=<seconds to reset>`',
};

/** The 429 of a limited route. */
const TOO_MANY_REQUESTS: ResponseDoc = {
  description:
    "Over the tenant's requests per minute, daily token budget or concurrent streams; retry after `Retry-After` seconds",
  headers: { 'Retry-After': 'Seconds to wait before retrying', ...RATE_LIMIT_HEADERS },
};

/**
 * Documentation of every route, by route key. The OpenAPI test checks that each declared route
 * has an entry here, so the published description cannot fall behind the route table.
 */
export const API_OPERATIONS: Record<string, OperationDoc> = {
  'GET /health': {
    operationId: 'getHealth',
    summary: 'Liveness; with ?deep=true, the status of each dependency',
    tag: 'Operations',
    responses: { 200: { description: 'Healthy' }, 503: { description: 'A dependency is down' } },
  },
  'GET /openapi.json': {
    operationId: 'getOpenApi',
    summary: 'This OpenAPI 3.1 description',
    tag: 'Operations',
    responses: { 200: { description: 'The description' } },
  },
  'GET /docs': {
    operationId: 'getDocs',
    summary: 'Interactive documentation',
    tag: 'Operations',
    responses: { 200: { description: 'An HTML page', mediaType: 'text/html' } },
  },
  'POST /v1/chat': {
    operationId: 'chat',
    summary: "Ask a question; the answer is grounded in the tenant's documents, with citations",
    tag: 'Chat',
    body: [{ schema: chatRequestSchema }],
    responses: {
      200: { description: 'The answer', schema: chatResponseSchema, headers: RATE_LIMIT_HEADERS },
      404: { description: 'No such session' },
      429: TOO_MANY_REQUESTS,
      502: { description: 'An upstream dependency answered wrongly' },
      503: { description: 'An upstream dependency is unavailable' },
      504: { description: 'An upstream dependency or the time budget timed out' },
    },
  },
  'GET /v1/sessions': {
    operationId: 'listSessions',
    summary: 'Sessions, most recently active first',
    tag: 'Sessions',
    query: pageQuery,
    responses: { 200: { description: 'A page of sessions', schema: sessionListSchema } },
  },
  'GET /v1/usage': {
    operationId: 'getUsage',
    summary: "The caller's tenant: its limits, today's usage and tokens left, the last 30 days",
    tag: 'Usage',
    responses: {
      200: { description: 'The usage', schema: usageReportSchema },
      404: { description: 'Usage is not tracked (limits are off)' },
    },
  },
  'GET /v1/sessions/{id}': {
    operationId: 'getSession',
    summary: "A session's messages, newest first",
    tag: 'Sessions',
    query: pageQuery,
    responses: {
      200: { description: 'A page of messages', schema: sessionMessagesSchema },
      404: { description: 'No such session' },
    },
  },
  'DELETE /v1/sessions/{id}': {
    operationId: 'deleteSession',
    summary: 'Delete a session and all its messages',
    tag: 'Sessions',
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such session' } },
  },
  'POST /v1/documents': {
    operationId: 'uploadDocument',
    summary: 'Upload a document (JSON text or a file); it is indexed in the background',
    tag: 'Documents',
    body: [
      { schema: uploadDocumentSchema },
      { schema: uploadDocumentFormSchema, mediaType: 'multipart/form-data' },
    ],
    responses: {
      200: {
        description: 'Unchanged: the current version already holds these bytes; nothing is queued',
        schema: documentAcceptedSchema,
        headers: { location: 'The document URL' },
      },
      202: {
        description: 'Stored and queued; poll the Location until `ready` or `failed`',
        schema: documentAcceptedSchema,
        headers: { location: 'The document URL' },
      },
      429: TOO_MANY_REQUESTS,
    },
  },
  'GET /v1/documents': {
    operationId: 'listDocuments',
    summary: 'Documents, newest first',
    tag: 'Documents',
    query: pageQuery,
    responses: { 200: { description: 'A page of documents', schema: documentListSchema } },
  },
  'GET /v1/documents/{id}': {
    operationId: 'getDocument',
    summary: "A document's indexing status",
    tag: 'Documents',
    responses: {
      200: { description: 'The document', schema: documentSchema },
      404: { description: 'No such document' },
    },
  },
  'DELETE /v1/documents/{id}': {
    operationId: 'deleteDocument',
    summary: 'Delete a document, its raw upload and every indexed chunk',
    tag: 'Documents',
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such document' } },
  },
};
