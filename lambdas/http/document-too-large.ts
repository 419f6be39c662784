import { HttpProblem } from '../core/problem.js';

const readable = (bytes: number) =>
  bytes >= 1_048_576 && bytes % 1_048_576 === 0
    ? `${bytes / 1_048_576} MiB`
    : bytes >= 1_024 && bytes % 1_024 === 0
      ? `${bytes / 1_024} KiB`
      : `${bytes} bytes`;

/**
 * The one answer to an upload that is too large, however it is noticed: a JSON `text`, a file,
 * or a whole request body (file plus framing) past what the documents function reads. It names
 * the one limit the README documents, `MAX_UPLOAD_BYTES`.
 *
 * @example
 * documentTooLarge(2_097_152).detail
 * // 'The document is larger than the upload limit of 2 MiB (2097152 bytes, MAX_UPLOAD_BYTES)'
 */
export const documentTooLarge = (maxUploadBytes: number): HttpProblem =>
  new HttpProblem(413, {
    type: 'urn:problem:document-too-large',
    detail: `The document is larger than the upload limit of ${readable(maxUploadBytes)} (${maxUploadBytes} bytes, MAX_UPLOAD_BYTES)`,
  });
