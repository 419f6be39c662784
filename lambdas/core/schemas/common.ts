import * as z from 'zod';

/** A client- or server-chosen identifier of a session or document. */
export const resourceId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'Use 1–64 letters, digits, dashes or underscores');

/** `?limit=&cursor=` of every listing. */
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

/** An RFC 9457 problem document, as every non-2xx response carries. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document.' });

/** Token usage of a model call. */
export const usageSchema = z
  .object({
    promptTokens: z.number().int(),
    completionTokens: z.number().int(),
    totalTokens: z.number().int(),
  })
  .meta({ id: 'Usage' });

/**
 * A paginated listing of `item`, newest first.
 *
 * @example
 * pageOf(sessionSummarySchema, 'SessionList')
 */
export const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      items: z.array(item),
      nextCursor: z.string().optional().describe('Pass as `cursor` to get the next page.'),
    })
    .meta({ id });
