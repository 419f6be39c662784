import { decodeHTML } from 'entities';
import { isWhitespaceCode } from '../text/whitespace.js';
import { runSteps, type Steps } from '../text/work-steps.js';
import { fenceOpening, isThematicBreak, setextUnderline } from './markdown-lines.js';

/** Options of {@link stripHtml}. */
export interface StripHtmlOptions {
  /**
   * Writes `<h1>`…`<h6>` as Markdown headings (`#`…`######`), so that the Markdown chunker
   * keeps the page's structure. Off by default: plain text out.
   */
  markHeadings?: boolean;
}

/**
 * Decodes HTML character references as a browser shows them in text: every HTML5 named
 * reference (`&eacute;`, `&alpha;`…, `entities`' table of the standard), decimal (`&#169;`) and
 * hexadecimal (`&#xA9;`) ones, the numeric references 128–159 as the Windows-1252 characters
 * the standard maps them to (`&#150;` is `–`), and the legacy names a browser reads without
 * their `;`. Unknown names are left as they are. A soft hyphen (`&shy;`), a hint where a word may
 * break, is dropped, so the word stays one.
 *
 * @example
 * decodeEntities('Caf&eacute; &amp; chips &#8211; &#x20AC;5') // 'Café & chips – €5'
 */
export const decodeEntities = (text: string): string => decodeHTML(text).replace(/\u00AD/g, '');

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

/** Elements removed with everything inside them: they hold no readable text. */
const INVISIBLE = new Set([
  'script',
  'style',
  'head',
  'noscript',
  'template',
  'svg',
  'iframe',
  'object',
]);

/** Elements that separate paragraphs. */
const BLOCKS = new Set(
  'address article aside blockquote details dialog div dl fieldset figcaption figure footer form header hr main nav ol p section summary table ul caption thead tbody tfoot'.split(
    ' ',
  ),
);

/** Elements that start a new line without starting a paragraph (their end tags are optional). */
const LINES = new Set(['br', 'li', 'dt', 'dd', 'tr', 'option']);

const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/** Characters of HTML read between two pauses of {@link stripHtmlSteps}. */
const CHARS_PER_STEP = 8_192;

const isAsciiLetter = (code: number) =>
  (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
const isWordCode = (code: number) =>
  isAsciiLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x5f;

/** A tag as the scanner read it. */
interface Tag {
  /** Lower-cased name (the word characters after `<` or `</`). */
  name: string;
  closing: boolean;
  /** Index just past the `>`. */
  end: number;
  /** Only whitespace between the name and `>` (`</p >`), or `/` too for start tags (`<br />`). */
  bare: boolean;
}

/**
 * A one-pass HTML scanner: it finds each `<` with `indexOf`, reads the tag name, and finds the
 * tag's `>` through a cached "next `>`" position, so that no character is read more than a
 * constant number of times whatever the input (the regular expressions it replaces rescanned
 * the rest of the document from every `<` that had no `>` after it).
 */
class HtmlScanner {
  #nextGt = -1;
  #noMoreGt = false;
  /** The next `"` and `'` found, by the same rule as `#nextGt` (-2: none left). */
  readonly #nextQuote = new Map<number, number>();

  constructor(readonly html: string) {}

  /** Index of the first `code` (a quote) at or after `from`, or -1; amortised constant time. */
  #quoteFrom(code: number, from: number): number {
    const known = this.#nextQuote.get(code) ?? -1;
    if (known === -2) return -1;
    if (known >= from) return known;
    const found = this.html.indexOf(String.fromCharCode(code), from);
    this.#nextQuote.set(code, found < 0 ? -2 : found);
    return found;
  }

  /**
   * Index of the `>` that ends the tag whose attributes start at `from`: the first one outside
   * a quoted attribute value (`title="Settings > Advanced"`), as a browser reads it. A quote
   * opens a value only after `=`; a value whose quote is never closed ends at the first `>`.
   */
  #tagEnd(from: number): number {
    const { html } = this;
    const first = this.gtFrom(from);
    let at = from;
    let gt = first;
    while (gt >= 0) {
      const double = this.#quoteFrom(0x22, at);
      const single = this.#quoteFrom(0x27, at);
      const quote =
        double >= 0 && (single < 0 || double < single) ? double : single >= 0 ? single : -1;
      if (quote < 0 || quote > gt) return gt;
      let before = quote - 1;
      while (before > at && isWhitespaceCode(html.charCodeAt(before))) before -= 1;
      if (html.charCodeAt(before) !== 0x3d) {
        at = quote + 1;
        continue;
      }
      const close = this.#quoteFrom(html.charCodeAt(quote), quote + 1);
      if (close < 0) return first;
      at = close + 1;
      gt = this.gtFrom(at);
    }
    return first;
  }

  /** Index of the first `>` at or after `from`, or -1; amortised constant time. */
  gtFrom(from: number): number {
    if (this.#noMoreGt) return -1;
    if (this.#nextGt < from) {
      this.#nextGt = this.html.indexOf('>', from);
      if (this.#nextGt < 0) this.#noMoreGt = true;
    }
    return this.#nextGt;
  }

  /** The tag that starts at `at` (a `<`), or undefined when the `<` starts no tag. */
  tagAt(at: number): Tag | undefined {
    const { html } = this;
    const closing = html.charCodeAt(at + 1) === 0x2f;
    const nameStart = at + (closing ? 2 : 1);
    if (!isAsciiLetter(html.charCodeAt(nameStart))) return undefined;
    const gt = this.#tagEnd(nameStart);
    if (gt < 0) return undefined;
    let nameEnd = nameStart;
    while (nameEnd < gt && isWordCode(html.charCodeAt(nameEnd))) nameEnd += 1;
    let rest = nameEnd;
    while (rest < gt && isWhitespaceCode(html.charCodeAt(rest))) rest += 1;
    if (!closing && html.charCodeAt(rest) === 0x2f) rest += 1;
    return {
      name: html.slice(nameStart, nameEnd).toLowerCase(),
      closing,
      end: gt + 1,
      bare: rest === gt,
    };
  }

  /**
   * Index just past the first `</name>` (whitespace allowed before `>`) at or after `from`, or
   * the end of the text when there is none; pauses every thousand candidates.
   */
  *endOfElement(name: string, from: number): Steps<number> {
    const { html } = this;
    let candidates = 0;
    for (let at = html.indexOf('</', from); at >= 0; at = html.indexOf('</', at + 2)) {
      const tag = this.tagAt(at);
      if (tag?.closing && tag.bare && tag.name === name) return tag.end;
      candidates += 1;
      if (candidates % 1_024 === 0) yield;
    }
    return html.length;
  }

  /**
   * Index just past the comment that starts at `at` (`<!--`), or the end of the text; searched
   * a slice at a time.
   */
  *endOfComment(at: number): Steps<number> {
    const { html } = this;
    // As HTML's tokenizer reads them: `<!-->` and `<!--->` are empty comments, and `--!>` ends
    // a comment as `-->` does; a browser shows the text after them.
    if (html.startsWith('>', at + 4)) return at + 5;
    if (html.startsWith('->', at + 4)) return at + 6;
    for (let from = at + 4; from < html.length; from += CHARS_PER_STEP) {
      // Slices overlap by three characters, so a `-->` or `--!>` across a boundary is found.
      const slice = html.slice(from, from + CHARS_PER_STEP + 3);
      const plain = slice.indexOf('-->');
      const bang = slice.indexOf('--!>');
      if (plain >= 0 && (bang < 0 || plain < bang)) return from + plain + 3;
      if (bang >= 0) return from + bang + 4;
      yield;
    }
    return html.length;
  }
}

/** The text of a `<pre>` element from `from` on: tags dropped, `<br>` as line breaks. */
function* preformattedSteps(
  scanner: HtmlScanner,
  from: number,
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
    if (tag.closing && tag.name === 'pre' && tag.bare)
      return { text: parts.join(''), end: tag.end };
    if (!tag.closing && INVISIBLE.has(tag.name)) {
      searchFrom = textStart = yield* scanner.endOfElement(tag.name, tag.end);
      parts.push(' ');
    } else if (!tag.closing && tag.name === 'br' && tag.bare) {
      parts.push('\n');
    }
  }
  parts.push(html.slice(textStart));
  return { text: parts.join(''), end: html.length };
}

/**
 * Where markup that is dropped whole ends, when a comment (`<!--…-->`, to the end when
 * unclosed) or a declaration (`<!DOCTYPE …>`) starts at `lt`.
 */
function* skippedMarkupEnd(scanner: HtmlScanner, lt: number): Steps<number | undefined> {
  const { html } = scanner;
  if (html.charCodeAt(lt + 1) !== 0x21) return undefined;
  if (html.startsWith('<!--', lt)) return yield* scanner.endOfComment(lt);
  const gt = scanner.gtFrom(lt);
  return gt < 0 ? undefined : gt + 1;
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
export function* stripHtmlSteps(html: string, options: StripHtmlOptions = {}): Steps<string> {
  const source = HAS_MARK.test(html) ? html.replace(MARKS, '') : html;
  const scanner = new HtmlScanner(source);
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
    const text = decodeEntities(source.slice(from, to).replace(/\s+/g, ' '));
    parts.push(HAS_MARK.test(text) ? text.replace(MARKS, '') : text);
  };
  let textStart = 0;
  let searchFrom = 0;
  let read = 0;
  while (searchFrom < source.length) {
    const lt = source.indexOf('<', searchFrom);
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
    addText(textStart, lt);
    searchFrom = textStart = skip ?? tag!.end;
    if (tag === undefined) continue;
    if (!tag.closing && INVISIBLE.has(tag.name)) {
      searchFrom = textStart = yield* scanner.endOfElement(tag.name, tag.end);
      parts.push(' ');
    } else if (!tag.closing && tag.name === 'pre') {
      const pre = yield* preformattedSteps(scanner, tag.end);
      searchFrom = textStart = pre.end;
      const code = decodeEntities(pre.text).replace(/^\n+/, '').trimEnd().replace(MARKS, '');
      preformatted.push(markHeadings ? fenced(code) : code);
      parts.push(`\n\n${PLACEHOLDER}${preformatted.length - 1}${PLACEHOLDER}\n\n`);
    } else {
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
 * Turns an HTML document into readable text for indexing: comments, scripts, styles and the
 * `<head>` are removed with their content; block elements become paragraph breaks and line
 * elements line breaks; whitespace collapses as a browser would, except inside `<pre>`; the
 * remaining markup is dropped and character references are decoded (last, so that an escaped
 * `&lt;script&gt;` stays as text). A one-pass scanner in time linear in the input, not a
 * parser: meant for documents, not for sanitising HTML that is shown again. (A conforming
 * HTML parser would be the library choice; the indexer needs only this much, bounded.)
 *
 * @example
 * stripHtml('<h1>Intro</h1><p>Hello&nbsp;<b>world</b></p><script>x()</script>')
 * // 'Intro\n\nHello world'
 */
export const stripHtml = (html: string, options: StripHtmlOptions = {}): string =>
  runSteps(stripHtmlSteps(html, options));
