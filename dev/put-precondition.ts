import type { IncomingHttpHeaders } from 'node:http';

/** S3's refusal of a conditional `PUT`: its status and error code. */
export interface PutRefusal {
  status: 409 | 412 | 501;
  code: string;
  message: string;
}

/** Where the key stands when the `PUT` would be stored. */
export interface KeyState {
  /** An object is stored under the key. */
  exists: boolean;
  /** Another `PUT` to the key is being stored at this moment. */
  writing: boolean;
}

/**
 * Checks a `PUT`'s `If-None-Match` as S3's conditional writes do: `*` stores the object only
 * while none is under the key (412 `PreconditionFailed` otherwise; 409
 * `ConditionalRequestConflict` when another write to the key is under way), and any other value
 * is a 501 `NotImplemented`. A `PUT` without the header is unconditional.
 *
 * @example
 * putPrecondition(request.headers, { exists: true, writing: false }) // { status: 412, code: 'PreconditionFailed', … }
 */
export const putPrecondition = (
  headers: IncomingHttpHeaders,
  key: KeyState,
): PutRefusal | undefined => {
  const condition = headers['if-none-match'];
  if (condition === undefined) return undefined;
  if (condition.trim() !== '*') {
    return {
      status: 501,
      code: 'NotImplemented',
      message: 'A header you provided implies functionality that is not implemented',
    };
  }
  if (key.writing) {
    return {
      status: 409,
      code: 'ConditionalRequestConflict',
      message: 'A conflicting operation occurred. If using PutObject you can retry the request.',
    };
  }
  if (key.exists) {
    return {
      status: 412,
      code: 'PreconditionFailed',
      message: 'At least one of the pre-conditions you specified did not hold',
    };
  }
  return undefined;
};
