import * as z from 'zod';
import { pageOf, resourceId, usageSchema } from './common.js';

/** Longest question accepted, in characters. */
export const MAX_MESSAGE_CHARS = 8_000;

/** Body of `POST /v1/chat` (and of the streaming endpoint's simple form). */
export const chatRequestSchema = z
  .strictObject({
    sessionId: resourceId.optional().describe('Continue this session; omit to start a new one.'),
    message: z.string().trim().min(1).max(MAX_MESSAGE_CHARS).describe('The question.'),
  })
  .meta({ id: 'ChatRequest' });

/** A passage an answer cites. */
export const sourceSchema = z
  .object({
    documentId: z.string(),
    title: z.string(),
    chunkIndex: z.number().int(),
    score: z.number(),
    snippet: z.string(),
  })
  .meta({ id: 'Source' });

/** A message of a session. */
export const messageSchema = z
  .object({
    id: z.string(),
    role: z.enum(['user', 'assistant']),
    content: z.string(),
    createdAt: z.string(),
    sources: z.array(sourceSchema).optional(),
    usage: usageSchema.optional(),
    model: z.string().optional(),
    incomplete: z.boolean().optional().describe('The answer was cut before it finished.'),
  })
  .meta({ id: 'Message' });

/** Reply of `POST /v1/chat`. */
export const chatResponseSchema = z
  .object({
    sessionId: z.string(),
    message: messageSchema.extend({ role: z.literal('assistant'), sources: z.array(sourceSchema) }),
    usage: usageSchema,
    budget: z
      .object({
        tokensUsed: z.number().int().describe('Model tokens the tenant used today (UTC).'),
        tokensRemaining: z.number().int().describe('Model tokens left today.'),
      })
      .optional()
      .describe("The tenant's daily token budget after this answer (when limits are on)."),
  })
  .meta({ id: 'ChatResponse' });

/** A session as listed. */
export const sessionSummarySchema = z
  .object({
    sessionId: z.string(),
    title: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    messageCount: z.number().int(),
  })
  .meta({ id: 'SessionSummary' });

/** Reply of `GET /v1/sessions`. */
export const sessionListSchema = pageOf(sessionSummarySchema, 'SessionList');

/** Reply of `GET /v1/sessions/{id}`. */
export const sessionMessagesSchema = z
  .object({
    sessionId: z.string(),
    items: z.array(messageSchema).describe('Newest first.'),
    nextCursor: z.string().optional().describe('Pass as `cursor` to get the next page.'),
  })
  .meta({ id: 'SessionMessages' });
