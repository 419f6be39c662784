import { HttpProblem } from '../core/problem.js';
import type { BodyMediaType } from './routes.js';

/**
 * The media type a `Content-Type` header names: `type/subtype`, lower-cased, without its
 * parameters and the whitespace RFC 9110 allows around them; `''` when there is none.
 *
 * @example
 * mediaTypeOf('Application/JSON ; charset=utf-8') // 'application/json'
 */
export const mediaTypeOf = (contentType: string | undefined): string =>
  (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';

/** `application/json` and the structured syntax suffix `+json` (RFC 6839). */
const JSON_MEDIA_TYPE = /^application\/([a-z0-9!#$&^_.+-]+\+)?json$/;

/** Which of the body media types the header's media type is, if any. */
const bodyMediaTypeOf = (mediaType: string): BodyMediaType | undefined => {
  if (JSON_MEDIA_TYPE.test(mediaType)) return 'application/json';
  if (mediaType === 'multipart/form-data') return 'multipart/form-data';
  return undefined;
};

/**
 * Decides how a request body is read: the one of `accepts` that its `Content-Type` header names
 * (parameters, whitespace and case ignored; `+json` types read as JSON), or a 415 problem
 * naming every media type the route accepts.
 *
 * @example
 * acceptedMediaType('application/json ; charset=utf-8', ['application/json']) // 'application/json'
 */
export const acceptedMediaType = (
  contentType: string | undefined,
  accepts: readonly BodyMediaType[],
): BodyMediaType => {
  const mediaType = mediaTypeOf(contentType);
  const bodyType = bodyMediaTypeOf(mediaType);
  if (bodyType && accepts.includes(bodyType)) return bodyType;
  throw new HttpProblem(415, {
    detail: `This route accepts ${accepts.join(' or ')}; got ${mediaType || 'no content type'}`,
  });
};
