import type { HtmlReferenceDecoder } from '../ports/html-references.js';
import { isBlank } from '../text/whitespace.js';
import { runSteps, type Steps } from '../text/work-steps.js';
import { checkText, decodedSlices, decodePrefix, decodeText } from './decode-text.js';
import { stripHtml, stripHtmlSteps } from './strip-html.js';
import { paragraphSteps } from './text-sections.js';

/**
 * Bytes at the start of a document that the upload check reads for text (HTML stripped):
 * enough for any page whose text is not hidden behind that much markup, and few enough
 * milliseconds to spend inside a request.
 */
export const CHECK_PREFIX_BYTES = 65_536;

/**
 * The decoder of character references that reading HTML needs: its callers load it first
 * (`ExtractionReaders.htmlReferences`), on the first HTML document only.
 */
const referencesForHtml = (references: HtmlReferenceDecoder | undefined): HtmlReferenceDecoder => {
  if (!references) {
    throw new Error('HTML is read with a decoder of character references: load it first');
  }
  return references;
};

/**
 * {@link extractText} as pausable {@link Steps}, for the indexer to run under a budget: it
 * pauses after each slice of bytes decoded, then as the HTML is stripped.
 *
 * @throws HttpProblem 422 when the bytes are not text (see {@link decodedSlices}).
 * @throws Error when the document is HTML and no `references` decoder is given.
 */
export function* extractTextSteps(
  bytes: Uint8Array,
  contentType: string,
  references?: HtmlReferenceDecoder,
): Steps<string> {
  const parts: string[] = [];
  for (const slice of decodedSlices(bytes)) {
    parts.push(slice);
    yield;
  }
  const text = parts.join('');
  return contentType === 'text/html'
    ? yield* stripHtmlSteps(text, referencesForHtml(references), { markHeadings: true })
    : text;
}

/**
 * The readable text of a stored document: its bytes decoded as UTF-8, or as UTF-16 when a
 * UTF-16 byte order mark opens them (the mark dropped; an HTML `<meta charset>` is not read,
 * see {@link decodedSlices}) and, for HTML, stripped of markup with headings kept as Markdown
 * headings, its character references decoded with `references` (needed for HTML only).
 *
 * @throws HttpProblem 422 when the bytes are not text.
 * @throws Error when the document is HTML and no `references` decoder is given.
 *
 * @example
 * extractText(Buffer.from('<h1>Hi</h1><p>there</p>'), 'text/html', references) // '# Hi\n\nthere'
 */
export const extractText = (
  bytes: Uint8Array,
  contentType: string,
  references?: HtmlReferenceDecoder,
): string => runSteps(extractTextSteps(bytes, contentType, references));

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
 * none there is left to the indexer. HTML's character references are decoded with
 * `references` (needed for HTML only).
 *
 * @throws HttpProblem 422 when the bytes are not text (see {@link decodedSlices}).
 * @throws Error when the document is HTML and no `references` decoder is given.
 *
 * @example
 * mayHoldText(Buffer.from(' \n\u200b'), 'text/plain') // false
 * mayHoldText(Buffer.from('<p>&nbsp;</p>'), 'text/html', references) // false
 * mayHoldText(Buffer.from('# Guide\n\n## Install'), 'text/markdown') // false
 */
export const mayHoldText = (
  bytes: Uint8Array,
  contentType: string,
  references?: HtmlReferenceDecoder,
): boolean => {
  checkText(bytes);
  const prefix = decodePrefix(bytes, CHECK_PREFIX_BYTES);
  const longer = bytes.length > CHECK_PREFIX_BYTES;
  if (contentType === 'text/html') {
    const text = stripHtml(prefix, referencesForHtml(references), { markHeadings: true });
    return holdsParagraph(text, 'html') || longer;
  }
  if (contentType === 'text/markdown') {
    return holdsParagraph(prefix, 'markdown') || (longer && !isBlank(decodeText(bytes)));
  }
  if (!isBlank(prefix)) return true;
  return longer && !isBlank(decodeText(bytes));
};
