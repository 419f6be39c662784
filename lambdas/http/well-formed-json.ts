import { createError } from '@middy/util';

/**
 * A `JSON.parse` reviver that refuses a name or string holding a lone surrogate (`"\udc00"`):
 * valid JSON, but not text. Stored as UTF-8, every lone surrogate becomes U+FFFD, so two
 * different titles would name one document, and a model or a vector store would get text the
 * client never wrote. Refused as a 400 naming the cause (a Middy HTTP error, which the JSON
 * body parser passes on as it is).
 *
 * @example
 * httpJsonBodyParser({ reviver: wellFormedStrings });
 */
export const wellFormedStrings = (name: string, value: unknown): unknown => {
  if (!name.isWellFormed() || (typeof value === 'string' && !value.isWellFormed())) {
    throw createError(
      400,
      'The request body holds a lone surrogate (an unpaired \\uD800–\\uDFFF escape): its text must be well-formed Unicode',
    );
  }
  return value;
};
