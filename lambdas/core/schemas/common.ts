import * as z from './zod-mini.js';

/** Registers `schema` in zod's global registry (ids and descriptions of the OpenAPI document). */
export const described = <T extends z.ZodMiniType>(schema: T, meta: z.core.GlobalMeta): T => {
  z.globalRegistry.add(schema, meta);
  return schema;
};

/** An integer (zod's `int` check: a safe integer). */
export const integer = () => z.number().check(z.int());

/** A client- or server-chosen identifier of a session or document. */
export const resourceId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'Use 1–64 letters, digits, dashes or underscores'));

/** The query of a route that takes none: any parameter is a 400, not silently ignored. */
export const noQuery = z.strictObject({});

/** `?limit=&cursor=` of every listing. */
export const pageQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

/** An RFC 9457 problem document, as every non-2xx response carries. */
export const problemSchema = described(
  z.object({
    type: z.string(),
    title: z.string(),
    status: integer(),
    detail: z.string(),
    instance: z.optional(z.string()),
    errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  }),
  { id: 'Problem', description: 'An RFC 9457 problem document.' },
);

/** Token usage of a model call. */
export const usageSchema = described(
  z.object({
    promptTokens: integer(),
    completionTokens: integer(),
    totalTokens: integer(),
  }),
  { id: 'Usage' },
);

/**
 * A paginated listing of `item`, newest first.
 *
 * @example
 * pageOf(sessionSummarySchema, 'SessionList')
 */
export const pageOf = <T extends z.ZodMiniType>(item: T, id: string) =>
  described(
    z.object({
      items: z.array(item),
      nextCursor: described(z.optional(z.string()), {
        description: 'Pass as `cursor` to get the next page.',
      }),
    }),
    { id },
  );
