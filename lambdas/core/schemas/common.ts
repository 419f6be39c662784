import * as z from './zod-mini.js';

/** Registers `schema` in zod's global registry (ids and descriptions of the OpenAPI document). */
export const described = <T extends z.ZodMiniType>(schema: T, meta: z.core.GlobalMeta): T => {
  z.globalRegistry.add(schema, meta);
  return schema;
};

/** An integer (zod's `int` check: a safe integer). */
export const integer = () => z.number().check(z.int());

/** A query value of decimal digits as its number; anything else as sent, for the number to refuse. */
const decimalDigits = (value: unknown): unknown =>
  typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;

/**
 * A whole-number query parameter from `min` to `max`, `fallback` when absent. Only decimal
 * digits are read (not `0x10`, `1e1`, ` 5` or a repeated `1,2`, as `Number` would); every
 * refusal names the range. Its OpenAPI (input) schema is the bounded integer with its default.
 *
 * @example
 * queryInteger(1, 100, 20) // '7' → 7; absent → 20; '0x10' → "Use a whole number from 1 to 100"
 */
export const queryInteger = (min: number, max: number, fallback: number) => {
  const error = `Use a whole number from ${min} to ${max}`;
  // The default inside the pipe: zod documents no default on a transforming schema's input.
  return z.pipe(
    z.transform(decimalDigits),
    z._default(
      z
        .number({ error })
        .check(z.int({ error, abort: true }), z.minimum(min, { error }), z.maximum(max, { error })),
      fallback,
    ),
  );
};

/** A client- or server-chosen identifier of a session or document. */
export const resourceId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'Use 1–64 letters, digits, dashes or underscores'));

/** The query of a route that takes none: any parameter is a 400, not silently ignored. */
export const noQuery = z.strictObject({});

/** `?limit=&cursor=` of every listing. */
export const pageQuery = z.strictObject({
  limit: queryInteger(1, 100, 20),
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
