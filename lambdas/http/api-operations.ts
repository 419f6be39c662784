import type * as core from 'zod/v4/core';
import {
  chatRequestSchema,
  chatResponseSchema,
  sessionListSchema,
  sessionMessagesSchema,
} from '../core/schemas/chat.js';
import { described, integer, noQuery, pageQuery } from '../core/schemas/common.js';
import {
  chunkPageQuery,
  documentAcceptedSchema,
  documentChunkListSchema,
  documentListSchema,
  documentPathSchema,
  documentSchema,
  uploadDocumentFormSchema,
  uploadDocumentSchema,
} from '../core/schemas/documents.js';
import { useChatRequestSchema } from '../core/schemas/stream-chat.js';
import { requestedUploadSchema, requestUploadSchema } from '../core/schemas/uploads.js';
import { usageReportSchema } from '../core/schemas/usage.js';
import * as z from '../core/schemas/zod-mini.js';
import { healthQuery } from './health-query.js';

export { healthQuery } from './health-query.js';

/** One documented response. */
export interface ResponseDoc {
  description: string;
  schema?: core.$ZodType;
  mediaType?: string;
  headers?: Record<string, string>;
  /** What Swagger UI shows as the example answer. */
  example?: unknown;
}

/** What `/openapi.json` says about one route, beside its schemas. */
export interface OperationDoc {
  operationId: string;
  summary: string;
  /** A longer description (CommonMark), when the summary is not enough. */
  description?: string;
  tag: string;
  body?: { schema: core.$ZodType; mediaType?: string; example?: unknown }[];
  /** The path parameters' schema, when not the default resource id (1–64 of `A-Za-z0-9_-`). */
  path?: core.$ZodObject;
  query?: core.$ZodObject;
  responses: Record<number, ResponseDoc>;
}

/** The deep health check's 503: a problem document with each dependency's check beside it. */
const healthDownSchema = described(
  z.object({
    type: z.string(),
    title: z.string(),
    status: integer(),
    detail: z.string(),
    checks: z.record(z.string(), z.object({ status: z.enum(['up', 'down']) })),
  }),
  {
    id: 'HealthDown',
    description: 'An RFC 9457 problem document with the checks as an extension.',
  },
);

const SESSION_ID = 'b3c1f0de-5e0a-4c5e-9a61-2f7d8f0b6a11';
const DOCUMENT_ID = '0f8e4c7a-3b2d-4e1f-9a6b-5c4d3e2f1a0b';
const NOW = '2026-01-15T09:30:00.000Z';

const USAGE_DAY_EXAMPLE = {
  date: '2026-01-15',
  requests: 42,
  tokens: 18_250,
  promptTokens: 16_900,
  completionTokens: 1_350,
  embeddingTokens: 96_400,
  streams: 12,
  documents: 3,
  chunks: 241,
};

const SOURCE_EXAMPLE = {
  documentId: DOCUMENT_ID,
  title: 'Path parameters',
  chunkIndex: 0,
  score: 0.82,
  snippet: 'Declare path parameters with braces, as in /items/{item_id}…',
};

const DOCUMENT_EXAMPLE = {
  id: DOCUMENT_ID,
  title: 'Path parameters',
  status: 'ready',
  version: 1,
  contentType: 'text/markdown',
  sizeBytes: 142,
  chunkCount: 1,
  createdAt: NOW,
  updatedAt: NOW,
};

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
    query: healthQuery,
    responses: {
      200: {
        description: 'Healthy',
        mediaType: 'application/json',
        example: { status: 'ok', checks: { dynamodb: { status: 'up' } } },
      },
      503: {
        description: 'A dependency is down (with ?deep=true)',
        headers: { 'retry-after': 'Seconds to wait before checking again' },
        mediaType: 'application/problem+json',
        schema: healthDownSchema,
        example: {
          type: 'urn:problem:dependency-down',
          title: 'Service Unavailable',
          status: 503,
          detail: 'Unreachable: vectorStore',
          checks: { dynamodb: { status: 'up' }, vectorStore: { status: 'down' } },
        },
      },
    },
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
    body: [
      { schema: chatRequestSchema, example: { message: 'How do I declare path parameters?' } },
    ],
    responses: {
      200: {
        description: 'The answer',
        schema: chatResponseSchema,
        headers: RATE_LIMIT_HEADERS,
        example: {
          sessionId: SESSION_ID,
          message: {
            id: 'msg_01',
            role: 'assistant',
            content: 'Declare them with braces in the path, as in /items/{item_id} [1].',
            createdAt: NOW,
            sources: [SOURCE_EXAMPLE],
            model: 'gpt-4o-mini',
          },
          usage: { promptTokens: 412, completionTokens: 24, totalTokens: 436 },
          budget: { tokensUsed: 18_686, tokensRemaining: 181_314 },
        },
      },
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
    responses: {
      200: {
        description: 'A page of sessions',
        schema: sessionListSchema,
        example: {
          items: [
            {
              sessionId: SESSION_ID,
              title: 'How do I declare path parameters?',
              createdAt: NOW,
              updatedAt: NOW,
              messageCount: 2,
            },
          ],
        },
      },
    },
  },
  'GET /v1/usage': {
    operationId: 'getUsage',
    summary: "The caller's tenant: its limits, today's usage and tokens left, the last 30 days",
    query: noQuery,
    description:
      'Counts against the requests per minute, as a limited request (this one included in `requests`). Counts per UTC day: limited requests (refused ones included), model tokens of answers (prompt and completion apart; their sum is what the daily budget counts), embedding tokens of indexed uploads (as the embedding API reports them; not in the budget), streamed answers, documents indexed and chunks stored. Each container keeps a little usage in memory before writing it (see the README on the local allowance); this container writes its own before reading.',
    tag: 'Usage',
    responses: {
      200: {
        description: 'The usage',
        schema: usageReportSchema,
        headers: RATE_LIMIT_HEADERS,
        example: {
          limits: {
            requestsPerMinute: 120,
            tokensPerDay: 200_000,
            concurrentStreams: 4,
            concurrentFollowers: 8,
          },
          today: { ...USAGE_DAY_EXAMPLE, tokensRemaining: 181_750 },
          days: [USAGE_DAY_EXAMPLE],
        },
      },
      404: { description: 'Usage is not tracked (limits are off)' },
      429: TOO_MANY_REQUESTS,
    },
  },
  'GET /v1/sessions/{id}': {
    operationId: 'getSession',
    summary: "A session's messages, newest first",
    tag: 'Sessions',
    query: pageQuery,
    responses: {
      200: {
        description: 'A page of messages',
        schema: sessionMessagesSchema,
        example: {
          sessionId: SESSION_ID,
          items: [
            {
              id: 'msg_01',
              role: 'user',
              content: 'How do I declare path parameters?',
              createdAt: NOW,
            },
          ],
        },
      },
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
      {
        schema: uploadDocumentSchema,
        example: {
          title: 'Path parameters',
          text: '# Path Parameters\n\nDeclare path parameters with braces, as in /items/{item_id}.',
          metadata: { section: 'tutorial' },
        },
      },
      {
        schema: uploadDocumentFormSchema,
        mediaType: 'multipart/form-data',
        example: { file: '(the contents of path-params.md)', title: 'Path parameters' },
      },
    ],
    responses: {
      200: {
        description: 'Unchanged: the current version already holds these bytes; nothing is queued',
        schema: documentAcceptedSchema,
        headers: { location: 'The document URL' },
        example: { id: DOCUMENT_ID, status: 'ready', version: 1, unchanged: true },
      },
      202: {
        description: 'Stored and queued; poll the Location until `ready` or `failed`',
        schema: documentAcceptedSchema,
        headers: { location: 'The document URL' },
        example: { id: DOCUMENT_ID, status: 'queued', version: 1 },
      },
      409: { description: 'The document is being deleted; upload again once it is gone' },
      413: { description: 'The body or the document is larger than the upload limit' },
      422: {
        description:
          'The file cannot be read as text (neither UTF-8 nor UTF-16 opening with a byte order mark, empty)',
      },
      429: TOO_MANY_REQUESTS,
      502: { description: 'Storage or the queue answered wrongly' },
    },
  },
  'POST /v1/uploads': {
    operationId: 'requestUpload',
    summary:
      'Ask for a presigned URL to PUT a large file straight to storage; its arrival queues it for indexing',
    tag: 'Documents',
    body: [
      {
        schema: requestUploadSchema,
        example: {
          fileName: 'handbook.md',
          contentType: 'text/markdown',
          contentLength: 12_582_912,
          metadata: { team: 'support' },
        },
      },
    ],
    responses: {
      201: {
        description:
          'The document, `awaiting-upload`: PUT the file to `upload.url` with `upload.headers` before `upload.expiresAt`, then poll the Location until `ready` or `failed`',
        schema: requestedUploadSchema,
        headers: { location: 'The document URL' },
        example: {
          id: DOCUMENT_ID,
          version: 1,
          status: 'awaiting-upload',
          upload: {
            url: `https://rag-raw.s3.us-east-1.amazonaws.com/tenants/acme/uploads/${DOCUMENT_ID}/v1?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=900&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bif-none-match&X-Amz-Signature=…`,
            method: 'PUT',
            headers: {
              'content-type': 'text/markdown',
              'content-length': '12582912',
              'if-none-match': '*',
            },
            expiresAt: NOW,
          },
        },
      },
      409: { description: 'The document was deleted, or a newer version published, meanwhile' },
      413: { description: 'The file is larger than MAX_PRESIGNED_UPLOAD_BYTES' },
      415: { description: 'Files of this type are not supported' },
      429: TOO_MANY_REQUESTS,
    },
  },
  'GET /v1/documents': {
    operationId: 'listDocuments',
    summary: 'Documents, newest first',
    tag: 'Documents',
    query: pageQuery,
    responses: {
      200: {
        description: 'A page of documents',
        schema: documentListSchema,
        example: { items: [DOCUMENT_EXAMPLE] },
      },
    },
  },
  'GET /v1/documents/{id}': {
    operationId: 'getDocument',
    summary: "A document's indexing status",
    tag: 'Documents',
    path: documentPathSchema,
    responses: {
      200: { description: 'The document', schema: documentSchema, example: DOCUMENT_EXAMPLE },
      404: { description: 'No such document' },
    },
  },
  'DELETE /v1/documents/{id}': {
    operationId: 'deleteDocument',
    summary: 'Delete a document, its raw upload and every indexed chunk',
    tag: 'Documents',
    path: documentPathSchema,
    responses: {
      204: { description: 'Deleted' },
      404: { description: 'No such document' },
      502: { description: 'The vector store or storage answered wrongly' },
    },
  },
  'GET /v1/documents/{id}/chunks': {
    operationId: 'listDocumentChunks',
    summary: "A document's indexed chunks, in order (what retrieval searches and cites)",
    description:
      'A document being deleted (`status` `deleting`) lists no chunk: from its `DELETE` on, answers cite none of them, even while the vector store still holds them.',
    tag: 'Documents',
    path: documentPathSchema,
    query: chunkPageQuery,
    responses: {
      200: {
        description: 'A page of chunks',
        schema: documentChunkListSchema,
        example: {
          documentId: DOCUMENT_ID,
          items: [
            {
              chunkIndex: 0,
              version: 1,
              text: '# Path Parameters\n\nDeclare path parameters with braces, as in /items/{item_id}.',
            },
          ],
        },
      },
      404: { description: 'No such document' },
      502: { description: 'The vector store answered wrongly' },
    },
  },
};

/**
 * The streaming endpoint, served by its own function URL (not a route of the HTTP API): what
 * `/openapi.json` says about it.
 */
export const STREAM_OPERATION = {
  path: '/',
  operationId: 'streamChat',
  tag: 'Chat',
  summary: 'Ask a question and receive the answer token by token (Server-Sent Events)',
  description:
    "The same chat as `POST /v1/chat`, streamed in the Vercel AI SDK's UI message stream protocol, so `useChat` with `DefaultChatTransport` works unchanged. The body is either `{ sessionId?, message }` or what `useChat` sends (`{ id, messages }`: `id` is the session, the last user message is the question).",
  bodies: [chatRequestSchema, useChatRequestSchema] as core.$ZodType[],
  example: { message: 'How do I declare path parameters?' },
  streamDescription:
    'An event stream (`x-vercel-ai-ui-message-stream: v1`): a `start` part (with the session id), one `source-document` part per cited chunk, `text-start`, a `text-delta` per token, `text-end`, `finish` (with the model, usage and, when limits are on, the tokens used and left today: `budget`), then `data: [DONE]`. A failure after the first byte is an `error` part before `[DONE]`, and so is an answer that reaches the daily token budget (it is stored marked `incomplete`); `: ping` comments keep a silent connection open.',
  streamExample: [
    `data: {"type":"start","messageId":"msg_02","messageMetadata":{"sessionId":"${SESSION_ID}"}}`,
    `data: {"type":"source-document","sourceId":"${DOCUMENT_ID}:0","mediaType":"text/plain","title":"Path parameters","providerMetadata":{"rag":{"documentId":"${DOCUMENT_ID}","chunkIndex":0,"score":0.82,"snippet":"Declare path parameters with braces…"}}}`,
    'data: {"type":"text-start","id":"text-msg_02"}',
    'data: {"type":"text-delta","id":"text-msg_02","delta":"Declare"}',
    'data: {"type":"text-delta","id":"text-msg_02","delta":" them with braces"}',
    'data: {"type":"text-end","id":"text-msg_02"}',
    'data: {"type":"finish","finishReason":"stop","messageMetadata":{"sessionId":"' +
      SESSION_ID +
      '","model":"gpt-4o-mini","usage":{"promptTokens":412,"completionTokens":24,"totalTokens":436},"budget":{"tokensUsed":18686,"tokensRemaining":181314}}}',
    'data: [DONE]',
    '',
  ].join('\n\n'),
  // No 404: the stream creates a session its `sessionId` (or useChat's `id`) does not name yet.
  problems: {
    400: 'Invalid request',
    401: 'Missing or invalid API key',
    405: 'Only POST is allowed',
    413: 'Body too large',
    415: 'The body is not JSON',
    429: TOO_MANY_REQUESTS,
    502: 'An upstream dependency answered wrongly (before the first byte)',
    503: 'An upstream dependency is unavailable (before the first byte)',
    504: 'An upstream dependency or the time budget timed out (before the first byte)',
  } as Record<number, string | ResponseDoc>,
};
