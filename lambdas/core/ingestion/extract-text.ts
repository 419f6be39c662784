import { HttpProblem } from '../problem.js';
import { isBlank } from '../text/whitespace.js';
import { runSteps, type Steps } from '../text/work-steps.js';
import { stripHtml, stripHtmlSteps } from './strip-html.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Longest start of an HTML document that the upload check strips to look for text: enough for
 * any page whose text is not hidden behind that much markup, and few enough milliseconds to
 * spend inside a request.
 */
export const HTML_CHECK_CHARS = 65_536;

/** Bytes decoded between two pauses of {@link extractTextSteps}. */
const DECODE_SLICE_BYTES = 262_144;

const notUtf8 = (cause: unknown) =>
  new HttpProblem(422, {
    type: 'urn:problem:unreadable-document',
    detail: 'The document is not UTF-8 text',
    cause,
  });

const binary = () =>
  new HttpProblem(422, {
    type: 'urn:problem:unreadable-document',
    detail: 'The document holds binary data, not text',
  });

/**
 * A document's bytes decoded as UTF-8 (a byte order mark is dropped).
 *
 * @throws HttpProblem 422 when the bytes are not UTF-8 text, or hold NUL (binary data).
 */
export const decodeText = (bytes: Uint8Array): string => {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (cause) {
    throw notUtf8(cause);
  }
  if (text.includes('\u0000')) throw binary();
  return text;
};

/**
 * {@link extractText} as pausable {@link Steps}, for the indexer to run under a budget.
 *
 * @throws HttpProblem 422 when the bytes are not UTF-8 text.
 */
export function* extractTextSteps(bytes: Uint8Array, contentType: string): Steps<string> {
  // Decoded a slice at a time (a streaming decoder keeps characters cut between slices whole).
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const parts: string[] = [];
  try {
    for (let start = 0; start < bytes.length; start += DECODE_SLICE_BYTES) {
      const end = Math.min(bytes.length, start + DECODE_SLICE_BYTES);
      parts.push(decoder.decode(bytes.subarray(start, end), { stream: end < bytes.length }));
      yield;
    }
    parts.push(decoder.decode());
  } catch (cause) {
    throw notUtf8(cause);
  }
  const text = parts.join('');
  if (text.includes('\u0000')) throw binary();
  return contentType === 'text/html' ? yield* stripHtmlSteps(text, { markHeadings: true }) : text;
}

/**
 * The readable text of a stored document: its bytes decoded as UTF-8 (a byte order mark is
 * dropped) and, for HTML, stripped of markup with headings kept as Markdown headings.
 *
 * @throws HttpProblem 422 when the bytes are not UTF-8 text.
 *
 * @example
 * extractText(Buffer.from('<h1>Hi</h1><p>there</p>'), 'text/html') // '# Hi\n\nthere'
 */
export const extractText = (bytes: Uint8Array, contentType: string): string =>
  runSteps(extractTextSteps(bytes, contentType));

/**
 * Whether a document may hold text to index, decided in bounded time for an upload request:
 * text and Markdown hold text unless they are blank (only whitespace and invisible characters,
 * so a whitespace-only document counts as empty); HTML is stripped only up to its first
 * {@link HTML_CHECK_CHARS} characters (text found there settles it; a longer document with
 * none there is left to the indexer).
 *
 * @throws HttpProblem 422 when the bytes are not UTF-8 text.
 *
 * @example
 * mayHoldText(Buffer.from(' \n\u200b'), 'text/plain') // false
 * mayHoldText(Buffer.from('<p>&nbsp;</p>'), 'text/html') // false
 */
export const mayHoldText = (bytes: Uint8Array, contentType: string): boolean => {
  const text = decodeText(bytes);
  if (contentType !== 'text/html') return !isBlank(text);
  if (!isBlank(stripHtml(text.slice(0, HTML_CHECK_CHARS)))) return true;
  return text.length > HTML_CHECK_CHARS;
};
