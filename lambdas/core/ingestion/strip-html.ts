import type { HtmlReferenceDecoder } from '../ports/html-references.js';
import { runSteps, type Steps } from '../text/work-steps.js';
import { droppedSubtree } from './dropped-subtree.js';
import { RAW_TEXT } from './html-element-kinds.js';
import {
  CDATA_OPENING,
  CHARS_PER_STEP,
  HtmlScanner,
  skippedMarkupEnd,
  type Tag,
} from './html-scanner.js';
import { fenceOpening, isThematicBreak, setextUnderline } from './markdown-lines.js';
import { OpenElements } from './open-elements.js';

/** Options of {@link stripHtml}. */
export interface StripHtmlOptions {
  /**
   * Writes `<h1>`…`<h6>` as Markdown headings (`#`…`######`), so that the Markdown chunker
   * keeps the page's structure. Off by default: plain text out.
   */
  markHeadings?: boolean;
}

/**
 * Decodes HTML character references as a browser shows them in text, with `references` (see
 * {@link HtmlReferenceDecoder.text}): every HTML5 named reference (`&eacute;`, `&alpha;`…),
 * decimal (`&#169;`) and hexadecimal (`&#xA9;`) ones, the numeric references 128–159 as the
 * Windows-1252 characters the standard maps them to (`&#150;` is `–`), and the legacy names a
 * browser reads without their `;`. Unknown names are left as they are. A soft hyphen (`&shy;`),
 * a hint where a word may break, is dropped, so the word stays one.
 *
 * @example
 * decodeEntities('Caf&eacute; &amp; chips &#8211; &#x20AC;5', references) // 'Café & chips – €5'
 */
export const decodeEntities = (text: string, references: HtmlReferenceDecoder): string =>
  references.text(text).replace(/\u00AD/g, '');

/** Marks where a rendered `<pre>` block goes back (a private-use character, removed from input). */
const PLACEHOLDER = '\uE000';

/**
 * Stands for a heading's `#` until the text is whole (private-use, removed from input): a line
 * of the page's own text that Markdown would read as structure is then escaped (`\#`, see
 * {@link escapeStructure}), so "# of retries" stays a paragraph and not a heading.
 */
const HEADING_MARK = '\uE001';

/** Private-use characters the text is built with: never taken from the input. */
const MARKS = new RegExp(`[${PLACEHOLDER}${HEADING_MARK}]`, 'g');
const HAS_MARK = new RegExp(`[${PLACEHOLDER}${HEADING_MARK}]`);

/**
 * A `<pre>` block as a Markdown code block (the chunker keeps its lines as they are: a shell
 * comment is not a heading), fenced by more backticks than it holds in a row.
 */
const fenced = (code: string): string => {
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}\n${code}\n${fence}`;
};

/** Elements that separate paragraphs. */
const BLOCKS = new Set(
  'address article aside blockquote details dialog div dl fieldset figcaption figure footer form header hr main nav ol p section summary table ul caption thead tbody tfoot'.split(
    ' ',
  ),
);

/** Elements that start a new line without starting a paragraph (their end tags are optional). */
const LINES = new Set(['br', 'li', 'dt', 'dd', 'tr', 'option']);

const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/**
 * Where the content of the raw text element (`<textarea>`, `<title>`…) whose start tag is `tag`
 * ends (at its end tag, or the end of the text), and where the element ends: a browser reads
 * that content as text, never as tags.
 */
function* rawTextExtent(
  scanner: HtmlScanner,
  tag: Tag,
): Steps<{ contentEnd: number; end: number }> {
  const { html } = scanner;
  const end = yield* scanner.endOfElement(tag.name, tag.end);
  const close = html.lastIndexOf('</', end - 1);
  const closed =
    close >= tag.end &&
    html.charCodeAt(end - 1) === 0x3e &&
    html.slice(close + 2, close + 2 + tag.name.length).toLowerCase() === tag.name;
  return { contentEnd: closed ? close : end, end };
}

/**
 * Applies a tag read as text (not dropped) to the stack of open elements: forgets the stack
 * where the tag's effect is not known.
 */
const applyTag = (open: OpenElements, tag: Tag): void => {
  const known = tag.closing ? open.end(tag.name) : open.start(tag.name) !== 'unknown';
  if (!known) open.forget();
};

/** The text of a `<pre>` element from `from` on: tags dropped, `<br>` as line breaks. */
function* preformattedSteps(
  scanner: HtmlScanner,
  from: number,
  open: OpenElements,
): Steps<{ text: string; end: number }> {
  const { html } = scanner;
  const parts: string[] = [];
  let textStart = from;
  let searchFrom = from;
  let read = from;
  while (searchFrom < html.length) {
    const lt = html.indexOf('<', searchFrom);
    if (lt < 0) break;
    if (lt - read >= CHARS_PER_STEP) {
      read = lt;
      yield;
    }
    const skip = yield* skippedMarkupEnd(scanner, lt);
    const tag = skip === undefined ? scanner.tagAt(lt) : undefined;
    if (skip === undefined && tag === undefined) {
      searchFrom = lt + 1; // a literal `<`: part of the text run
      continue;
    }
    parts.push(html.slice(textStart, lt));
    searchFrom = textStart = skip ?? tag!.end;
    if (tag === undefined) continue;
    if (tag.closing && tag.name === 'pre' && tag.bare) {
      applyTag(open, tag);
      return { text: parts.join(''), end: tag.end };
    }
    const dropped = tag.closing
      ? undefined
      : yield* droppedSubtree(scanner, tag, { inMathMl: false }, open);
    if (dropped !== undefined) {
      searchFrom = textStart = dropped.end;
      if (dropped.spaced) parts.push(' ');
      const closing = dropped.closingTag;
      if (closing?.name === 'pre' && closing.bare)
        return { text: parts.join(''), end: dropped.end };
      continue;
    }
    applyTag(open, tag);
    if (!tag.closing && RAW_TEXT.has(tag.name)) {
      const raw = yield* rawTextExtent(scanner, tag);
      parts.push(html.slice(tag.end, raw.contentEnd));
      searchFrom = textStart = raw.end;
    } else if (!tag.closing && tag.name === 'br' && tag.bare) {
      parts.push('\n');
    }
  }
  parts.push(html.slice(textStart));
  return { text: parts.join(''), end: html.length };
}

/**
 * The page's text with a backslash before each line that Markdown would read as structure: a
 * `#` heading, a code fence (a paragraph showing three backticks would fence off every later
 * heading), a setext underline (`Totals` over `======` would become a heading) or a thematic
 * break. The page's own headings are marked apart and never escaped.
 */
const escapeStructure = (text: string): string =>
  text.replace(/^.+$/gm, (line) =>
    line.startsWith('#') ||
    fenceOpening(line) !== undefined ||
    setextUnderline(line) !== undefined ||
    isThematicBreak(line)
      ? `\\${line}`
      : line,
  );

/** What a tag stands for in the text: a paragraph break, a line break, a cell gap or nothing. */
const tagText = (tag: Tag, markHeadings: boolean): string => {
  if (HEADINGS.has(tag.name)) {
    if (tag.closing) return tag.bare ? '\n\n' : '';
    return markHeadings ? `\n\n${HEADING_MARK.repeat(Number(tag.name[1]))} ` : '\n\n';
  }
  if (BLOCKS.has(tag.name)) return '\n\n';
  if (LINES.has(tag.name)) return tag.closing ? '' : '\n';
  if (tag.closing && tag.bare && (tag.name === 'td' || tag.name === 'th')) return ' ';
  return '';
};

/**
 * {@link stripHtml} as pausable {@link Steps}: it pauses after every 8 KiB of HTML, so that a
 * budget can bound it and other work can run between its slices.
 */
export function* stripHtmlSteps(
  html: string,
  references: HtmlReferenceDecoder,
  options: StripHtmlOptions = {},
): Steps<string> {
  const source = HAS_MARK.test(html) ? html.replace(MARKS, '') : html;
  const scanner = new HtmlScanner(source, references);
  const open = new OpenElements();
  const markHeadings = options.markHeadings ?? false;
  const parts: string[] = [];
  const preformatted: string[] = [];
  /**
   * Appends source text, its whitespace collapsed as a browser renders it (`\s+` cannot
   * backtrack) and its character references decoded; a reference to the placeholder is dropped
   * as the character itself is (`&#xE000;0&#xE000;` pasted a `<pre>` block into the text).
   */
  const addText = (from: number, to: number) => {
    if (to <= from) return;
    const text = decodeEntities(source.slice(from, to).replace(/\s+/g, ' '), references);
    parts.push(HAS_MARK.test(text) ? text.replace(MARKS, '') : text);
  };
  let textStart = 0;
  let searchFrom = 0;
  let read = 0;
  /**
   * How many `<math>` elements are open: inside one, `<![CDATA[` opens a CDATA section, and
   * `hidden` hides nothing.
   */
  let mathDepth = 0;
  while (searchFrom < source.length) {
    const lt = source.indexOf('<', searchFrom);
    if (lt < 0) break;
    if (lt - read >= CHARS_PER_STEP) {
      read = lt;
      yield;
    }
    if (mathDepth > 0 && source.startsWith(CDATA_OPENING, lt)) {
      addText(textStart, lt);
      const end = yield* scanner.endOfCdata(lt);
      const closed = end >= lt + CDATA_OPENING.length + 3 && source.startsWith(']]>', end - 3);
      // A CDATA section's text is shown as written: no character references in it.
      parts.push(
        source.slice(lt + CDATA_OPENING.length, closed ? end - 3 : end).replace(/\s+/g, ' '),
      );
      searchFrom = textStart = end;
      continue;
    }
    const skip = yield* skippedMarkupEnd(scanner, lt);
    const tag = skip === undefined ? scanner.tagAt(lt) : undefined;
    if (skip === undefined && tag === undefined) {
      searchFrom = lt + 1; // a literal `<`: part of the text run
      continue;
    }
    addText(textStart, lt);
    searchFrom = textStart = skip ?? tag!.end;
    if (tag === undefined) continue;
    const inMathMl = mathDepth > 0 || tag.name === 'math';
    const dropped = tag.closing
      ? undefined
      : yield* droppedSubtree(scanner, tag, { inMathMl }, open);
    // MathML's tags are not modelled: the stack is forgotten on the way in and out.
    if (inMathMl) open.forget();
    else if (dropped === undefined) applyTag(open, tag);
    if (dropped !== undefined) {
      searchFrom = textStart = dropped.end;
      if (dropped.spaced) parts.push(' ');
      if (dropped.closingTag) parts.push(tagText(dropped.closingTag, markHeadings));
    } else if (!tag.closing && RAW_TEXT.has(tag.name) && !inMathMl) {
      const raw = yield* rawTextExtent(scanner, tag);
      addText(tag.end, raw.contentEnd);
      searchFrom = textStart = raw.end;
    } else if (!tag.closing && tag.name === 'pre') {
      const pre = yield* preformattedSteps(scanner, tag.end, open);
      searchFrom = textStart = pre.end;
      const code = decodeEntities(pre.text, references)
        .replace(/^\n+/, '')
        .trimEnd()
        .replace(MARKS, '');
      preformatted.push(markHeadings ? fenced(code) : code);
      parts.push(`\n\n${PLACEHOLDER}${preformatted.length - 1}${PLACEHOLDER}\n\n`);
    } else {
      if (tag.name === 'math' && tag.closing) mathDepth = Math.max(0, mathDepth - 1);
      else if (tag.name === 'math' && !tag.selfClosing) mathDepth += 1;
      parts.push(tagText(tag, markHeadings));
    }
  }
  addText(textStart, source.length);
  yield;
  const joined = parts
    .join('')
    .replace(/[ \t\u00a0]+/g, ' ')
    // Runs of spaces are single spaces by now, so `?` does what `*` did, without backtracking.
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const text = markHeadings ? escapeStructure(joined).replaceAll(HEADING_MARK, '#') : joined;
  return preformatted.length === 0
    ? text
    : text.replace(
        new RegExp(`${PLACEHOLDER}(\\d+)${PLACEHOLDER}`, 'g'),
        (_, position: string) => preformatted[Number(position)]!,
      );
}

/**
 * Turns an HTML document into readable text for indexing: comments, scripts, styles, the
 * `<head>`, templates, SVG images and what a browser's `innerText` leaves out as hidden (the
 * `hidden` attribute, an inline `display: none` or `visibility: hidden`, see `hidesElement`) are
 * removed with their content; block elements become paragraph breaks and line
 * elements line breaks; whitespace collapses as a browser would, except inside `<pre>`; the
 * remaining markup is dropped and character references are decoded (last, so that an escaped
 * `&lt;script&gt;` stays as text). `<![CDATA[` is read as HTML's tokenizer reads it: in MathML
 * a CDATA section, whose text is kept as written up to `]]>`; elsewhere a bogus comment, which
 * ends at the first `>`. A one-pass scanner in time linear in the input, not a
 * parser: meant for documents, not for sanitising HTML that is shown again. (A conforming
 * HTML parser would be the library choice; the indexer needs only this much, bounded.)
 * Character references, in text and in attribute values, are decoded with `references`.
 *
 * @example
 * stripHtml('<h1>Intro</h1><p>Hello&nbsp;<b>world</b></p><script>x()</script>', references)
 * // 'Intro\n\nHello world'
 */
export const stripHtml = (
  html: string,
  references: HtmlReferenceDecoder,
  options: StripHtmlOptions = {},
): string => runSteps(stripHtmlSteps(html, references, options));
