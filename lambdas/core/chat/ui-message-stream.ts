import type { TokenUsage } from '../ports/chat-model.js';
import type { Source } from '../ports/session-store.js';

/**
 * Headers of an AI SDK UI message stream (protocol v1), as `useChat` expects them.
 */
export const UI_MESSAGE_STREAM_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-vercel-ai-ui-message-stream': 'v1',
  'x-accel-buffering': 'no',
} as const;

/** Metadata carried by the `start` and `finish` parts. */
export interface AnswerMetadata {
  sessionId: string;
  model?: string;
  usage?: TokenUsage;
  incomplete?: boolean;
}

/** The parts of the UI message stream protocol this API sends. */
export type UiMessagePart =
  | { type: 'start'; messageId: string; messageMetadata: AnswerMetadata }
  | {
      type: 'source-document';
      sourceId: string;
      mediaType: string;
      title: string;
      providerMetadata: {
        rag: {
          documentId: string;
          chunkIndex: number;
          score: number;
          snippet: string;
          page?: number;
        };
      };
    }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | {
      type: 'finish';
      /**
       * `interrupted`: stopped through the stop route; `length`: the model reached its token
       * cap; `content-filter`: the provider withheld the rest. The last three are stored
       * `incomplete`.
       */
      finishReason: 'stop' | 'length' | 'content-filter' | 'error' | 'interrupted';
      messageMetadata: AnswerMetadata;
    }
  | { type: 'error'; errorText: string };

/**
 * One SSE frame carrying a part: `data: <json>\n\n`.
 *
 * @example
 * encodePart({ type: 'text-delta', id: 't1', delta: 'Hello' })
 * // 'data: {"type":"text-delta","id":"t1","delta":"Hello"}\n\n'
 */
export const encodePart = (part: UiMessagePart): string => `data: ${JSON.stringify(part)}\n\n`;

/** The frame that ends every stream. */
export const DONE_FRAME = 'data: [DONE]\n\n';

/** A comment frame that keeps idle connections open; SSE parsers ignore it. */
export const PING_FRAME = ': ping\n\n';

/**
 * An empty SSE comment line written after every frame. Lambda's function URL front end holds
 * back the most recent chunk of a response stream until another one arrives (reported in
 * aws-lambda-nodejs-runtime-interface-client#94 and honojs/hono#1678), so without it each
 * token would wait for the next. SSE parsers ignore comment lines.
 */
export const FLUSH_MARKER = ':\n';

/**
 * The title a citation shows: the document's, and the page for a paged document.
 *
 * @example
 * citationTitle({ title: 'guide.pdf', page: 12 }) // 'guide.pdf, p. 12'
 */
export const citationTitle = (source: Pick<Source, 'title' | 'page'>): string =>
  source.page === undefined ? source.title : `${source.title}, p. ${source.page}`;

/**
 * The `source-document` part of a cited chunk: the SDK's fields (the title with its page, see
 * {@link citationTitle}) plus, under `providerMetadata.rag`, what a client needs to show and
 * link the citation.
 */
export const sourcePart = (source: Source): UiMessagePart => ({
  type: 'source-document',
  sourceId: `${source.documentId}:${source.chunkIndex}`,
  mediaType: 'text/plain',
  title: citationTitle(source),
  providerMetadata: {
    rag: {
      documentId: source.documentId,
      chunkIndex: source.chunkIndex,
      score: source.score,
      snippet: source.snippet,
      ...(source.page === undefined ? {} : { page: source.page }),
    },
  },
});
