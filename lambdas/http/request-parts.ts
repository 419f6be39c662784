import { resourceId } from '../core/schemas/common.js';
import * as z from '../core/schemas/zod-mini.js';
import type { HttpEvent } from './http-types.js';
import { validationProblem } from './to-problem.js';

/**
 * Validates a part of the request with a zod schema, throwing a 400 problem whose `errors`
 * name each failing path (`body.message`, `query.limit`, `path.id`).
 *
 * @example
 * const body = parsePart(chatRequestSchema, event.body, 'body');
 */
export const parsePart = <T extends z.core.$ZodType>(
  schema: T,
  value: unknown,
  where: string,
): z.output<T> => {
  const result = z.safeParse(schema, value);
  if (!result.success) throw validationProblem(result.error, where);
  return result.data;
};

/** The `{id}` path parameter, validated. */
export const pathId = (event: HttpEvent): string =>
  parsePart(resourceId, event.pathParameters?.id, 'path.id');
