import type { HttpProblem } from '../core/problem.js';
import type { HttpResult } from './http-types.js';

/**
 * A JSON response, not to be stored by caches unless `headers` says otherwise: the API's answers
 * are a tenant's own (and a presigned upload URL is a credential).
 *
 * @example
 * return json(202, { id, status: 'queued' }, { location: `/v1/documents/${id}` });
 */
export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  },
  body: JSON.stringify(body),
});

/** The RFC 9457 problem document of a {@link HttpProblem}, with `instance` set to the request path. */
export const problemBody = (problem: HttpProblem, instance?: string): Record<string, unknown> => ({
  type: problem.type,
  title: problem.title,
  status: problem.status,
  detail: problem.detail,
  ...(instance ? { instance } : {}),
  ...(problem.errors ? { errors: problem.errors } : {}),
});

/** An `application/problem+json` response for a {@link HttpProblem}. */
export const problemResponse = (problem: HttpProblem, instance?: string): HttpResult => ({
  statusCode: problem.status,
  headers: {
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
    ...problem.headers,
  },
  body: JSON.stringify(problemBody(problem, instance)),
});
