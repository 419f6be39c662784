import { isBlank } from '../text/whitespace.js';
import { described, integer, pageOf, resourceId, usageSchema } from './common.js';
import * as z from './zod-mini.js';

/** Longest question accepted, in characters. */
export const MAX_MESSAGE_CHARS = 8_000;

/**
 * A question: at most {@link MAX_MESSAGE_CHARS} characters, trimmed, and showing something (one
 * of only zero-width or other invisible characters would cost a model call for nothing, as a
 * title that shows nothing is refused).
 */
export const questionSchema = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(MAX_MESSAGE_CHARS),
  z.refine((message: string) => !isBlank(message), 'The message shows nothing'),
);

/** Body of `POST /v1/chat` (and of the streaming endpoint's simple form). */
export const chatRequestSchema = described(
  z.strictObject({
    sessionId: described(z.optional(resourceId), {
      description:
        'Continue this session; omit to start a new one. `POST /v1/chat` answers 404 for a session that does not exist; the stream starts a session of that id.',
    }),
    message: described(questionSchema, { description: 'The question.' }),
  }),
  { id: 'ChatRequest' },
);

/** A passage an answer cites. */
export const sourceSchema = described(
  z.object({
    documentId: z.string(),
    title: z.string(),
    chunkIndex: integer(),
    score: described(z.number(), {
      description:
        "The passage's retrieval score: its fused rank score in hybrid search (weighted reciprocal ranks plus a BM25 bonus; it can exceed 1), the cosine in dense-only search. It orders the sources; compare it only within one answer.",
    }),
    snippet: z.string(),
    page: described(z.optional(integer().check(z.positive())), {
      description: 'The page cited, for a PDF.',
    }),
  }),
  { id: 'Source' },
);

/** A message of a session. */
export const messageSchema = described(
  z.object({
    id: z.string(),
    role: z.enum(['user', 'assistant']),
    content: z.string(),
    createdAt: z.string(),
    sources: z.optional(z.array(sourceSchema)),
    usage: z.optional(usageSchema),
    model: z.optional(z.string()),
    incomplete: described(z.optional(z.boolean()), {
      description: 'The answer was cut before it finished.',
    }),
  }),
  { id: 'Message' },
);

/** Reply of `POST /v1/chat`. */
export const chatResponseSchema = described(
  z.object({
    sessionId: z.string(),
    message: z.extend(messageSchema, {
      role: z.literal('assistant'),
      sources: z.array(sourceSchema),
    }),
    usage: usageSchema,
    budget: described(
      z.optional(
        z.object({
          tokensUsed: described(integer(), {
            description: 'Model tokens the tenant used today (UTC).',
          }),
          tokensRemaining: described(integer(), { description: 'Model tokens left today.' }),
        }),
      ),
      { description: "The tenant's daily token budget after this answer (when limits are on)." },
    ),
  }),
  { id: 'ChatResponse' },
);

/** A session as listed. */
export const sessionSummarySchema = described(
  z.object({
    sessionId: z.string(),
    title: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    messageCount: integer(),
  }),
  { id: 'SessionSummary' },
);

/** Reply of `GET /v1/sessions`. */
export const sessionListSchema = pageOf(sessionSummarySchema, 'SessionList');

/** Reply of `GET /v1/sessions/{id}`. */
export const sessionMessagesSchema = described(
  z.object({
    sessionId: z.string(),
    items: described(z.array(messageSchema), { description: 'Newest first.' }),
    nextCursor: described(z.optional(z.string()), {
      description: 'Pass as `cursor` to get the next page.',
    }),
  }),
  { id: 'SessionMessages' },
);
