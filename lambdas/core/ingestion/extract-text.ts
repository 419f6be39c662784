import { HttpProblem } from '../problem.js';
import { stripHtml } from './strip-html.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The readable text of a stored document: its bytes decoded as UTF-8 (a byte order mark is
 * dropped) and, for HTML, stripped of markup with headings kept as Markdown headings.
 *
 * @throws HttpProblem 422 when the bytes are not UTF-8 text.
 *
 * @example
 * extractText(Buffer.from('<h1>Hi</h1><p>there</p>'), 'text/html') // '# Hi\n\nthere'
 */
export const extractText = (bytes: Uint8Array, contentType: string): string => {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (cause) {
    throw new HttpProblem(422, {
      type: 'urn:problem:unreadable-document',
      detail: 'The document is not UTF-8 text',
      cause,
    });
  }
  if (text.includes('\u0000')) {
    throw new HttpProblem(422, {
      type: 'urn:problem:unreadable-document',
      detail: 'The document holds binary data, not text',
    });
  }
  return contentType === 'text/html' ? stripHtml(text, { markHeadings: true }) : text;
};
