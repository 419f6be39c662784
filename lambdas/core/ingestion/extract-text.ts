import { isUtf8 } from 'node:buffer';
import { HttpProblem } from '../problem.js';
import { isBlank } from '../text/whitespace.js';
import { runSteps, type Steps } from '../text/work-steps.js';
import { stripHtml, stripHtmlSteps } from './strip-html.js';
import { paragraphSteps } from './text-sections.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Bytes at the start of a document that the upload check reads for text (HTML stripped):
 * enough for any page whose text is not hidden behind that much markup, and few enough
 * milliseconds to spend inside a request.
 */
export const CHECK_PREFIX_BYTES = 65_536;

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

/** Whether Markdown holds a paragraph: text under or outside its headings, which makes a chunk. */
const holdsParagraph = (markdown: string, format: 'markdown' | 'html'): boolean => {
  for (const paragraph of paragraphSteps(markdown, format)) {
    if (paragraph !== undefined) return true;
  }
  return false;
};

/**
 * Whether a document may hold text to index, decided in bounded time for an upload request:
 * text holds text unless it is blank (only whitespace and invisible characters); Markdown and
 * HTML unless they hold no paragraph (headings alone, front matter read as a heading, markup
 * alone make no chunk: the indexer would fail the version, which would have replaced the
 * title's ready one). Markdown and HTML are read only up to their first
 * {@link CHECK_PREFIX_BYTES} bytes: a paragraph found there settles it; a longer document with
 * none there is left to the indexer.
 *
 * @throws HttpProblem 422 when the bytes are not UTF-8 text.
 *
 * @example
 * mayHoldText(Buffer.from(' \n\u200b'), 'text/plain') // false
 * mayHoldText(Buffer.from('<p>&nbsp;</p>'), 'text/html') // false
 * mayHoldText(Buffer.from('# Guide\n\n## Install'), 'text/markdown') // false
 */
export const mayHoldText = (bytes: Uint8Array, contentType: string): boolean => {
  // Validated without decoding: no string of the whole document is made in the request.
  if (!isUtf8(bytes)) throw notUtf8(undefined);
  if (bytes.includes(0)) throw binary();
  const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, CHECK_PREFIX_BYTES), {
    stream: true, // a character cut at the end of the prefix is left out, not replaced
  });
  const longer = bytes.length > CHECK_PREFIX_BYTES;
  if (contentType === 'text/html') {
    return holdsParagraph(stripHtml(prefix, { markHeadings: true }), 'html') || longer;
  }
  if (contentType === 'text/markdown') {
    return holdsParagraph(prefix, 'markdown') || (longer && !isBlank(decodeText(bytes)));
  }
  if (!isBlank(prefix)) return true;
  return longer && !isBlank(decodeText(bytes));
};
