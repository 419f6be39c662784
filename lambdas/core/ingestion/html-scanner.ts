import type { HtmlReferenceDecoder } from '../ports/html-references.js';
import { isWhitespaceCode } from '../text/whitespace.js';
import type { Steps } from '../text/work-steps.js';
import { readAttributes } from './html-attributes.js';

/** Characters of HTML read between two pauses of `stripHtmlSteps`. */
export const CHARS_PER_STEP = 8_192;

const isAsciiLetter = (code: number) =>
  (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
const isWordCode = (code: number) =>
  isAsciiLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x5f;

/** What opens a CDATA section in foreign content (SVG, MathML); a bogus comment elsewhere. */
export const CDATA_OPENING = '<![CDATA[';

/** A tag as the scanner read it. */
export interface Tag {
  /** Lower-cased name (the word characters after `<` or `</`). */
  name: string;
  closing: boolean;
  /** Index just past the name, where the attributes start. */
  attributesStart: number;
  /** Index just past the `>`. */
  end: number;
  /** A start tag ending `/>`: an empty element in SVG and MathML (HTML ignores the `/`). */
  selfClosing: boolean;
  /** Only whitespace between the name and `>` (`</p >`), or `/` too for start tags (`<br />`). */
  bare: boolean;
}

/** The first index of a character at or after `from` that a search found (-1: none). */
interface Found {
  from: number;
  at: number;
}

const notSearched = (): Found => ({ from: Number.POSITIVE_INFINITY, at: -1 });

/**
 * Index of the first `char` at or after `from` in `html`, or -1, through `found`, the last
 * search's answer, which it updates: amortised constant time while reads move forward. A read
 * that starts before the last search did (a hidden subtree read again) searches again.
 */
const nextIndexOf = (html: string, char: string, from: number, found: Found): number => {
  if (from >= found.from && (found.at < 0 || found.at >= from)) return found.at;
  found.from = from;
  found.at = html.indexOf(char, from);
  return found.at;
};

/**
 * A one-pass HTML scanner: it finds each `<` with `indexOf`, reads the tag name, and finds the
 * tag's `>` through a cached "next `>`" position, so that no character is read more than a
 * constant number of times whatever the input (the regular expressions it replaces rescanned
 * the rest of the document from every `<` that had no `>` after it).
 */
export class HtmlScanner {
  readonly #nextGt = notSearched();
  readonly #nextDoubleQuote = notSearched();
  readonly #nextSingleQuote = notSearched();

  /**
   * @param html The document.
   * @param references Decodes the character references of the attribute values it reads.
   */
  constructor(
    readonly html: string,
    readonly references: HtmlReferenceDecoder,
  ) {}

  /** The attributes of the start tag `tag` ({@link readAttributes}). */
  attributesOf(tag: Tag): Map<string, string> {
    return readAttributes(this.html, tag.attributesStart, tag.end - 1, this.references.attribute);
  }

  /** Index of the first `code` (a quote) at or after `from`, or -1; amortised constant time. */
  #quoteFrom(code: number, from: number): number {
    const quote = code === 0x22 ? this.#nextDoubleQuote : this.#nextSingleQuote;
    return nextIndexOf(this.html, code === 0x22 ? '"' : "'", from, quote);
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
    return nextIndexOf(this.html, '>', from, this.#nextGt);
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
      attributesStart: nameEnd,
      end: gt + 1,
      selfClosing: !closing && gt > nameEnd && html.charCodeAt(gt - 1) === 0x2f,
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
    return yield* this.endOf('-->', at + 4, '--!>');
  }

  /**
   * Index just past the first `marker` (or `alternative`, whichever comes first) at or after
   * `from`, or the end of the text; searched a slice at a time.
   */
  *endOf(marker: string, from: number, alternative = marker): Steps<number> {
    const { html } = this;
    const overlap = Math.max(marker.length, alternative.length) - 1;
    for (let start = from; start < html.length; start += CHARS_PER_STEP) {
      // Slices overlap, so a marker across a boundary is found.
      const slice = html.slice(start, start + CHARS_PER_STEP + overlap);
      const found = slice.indexOf(marker);
      const other = slice.indexOf(alternative);
      if (found >= 0 && (other < 0 || found <= other)) return start + found + marker.length;
      if (other >= 0) return start + other + alternative.length;
      yield;
    }
    return html.length;
  }

  /**
   * Index just past the CDATA section that starts at `at` (`<![CDATA[`, in SVG or MathML): at
   * its `]]>`, or the end of the text.
   */
  *endOfCdata(at: number): Steps<number> {
    return yield* this.endOf(']]>', at + CDATA_OPENING.length);
  }
}

/**
 * Where markup that is dropped whole ends, when a comment (`<!--…-->`, to the end when
 * unclosed) or a declaration (`<!DOCTYPE …>`) starts at `lt`; in foreign content (SVG, MathML)
 * a CDATA section too, at its `]]>` (elsewhere `<![CDATA[` opens a bogus comment, which ends at
 * the first `>`).
 */
export function* skippedMarkupEnd(
  scanner: HtmlScanner,
  lt: number,
  inForeignContent = false,
): Steps<number | undefined> {
  const { html } = scanner;
  if (html.charCodeAt(lt + 1) !== 0x21) return undefined;
  if (html.startsWith('<!--', lt)) return yield* scanner.endOfComment(lt);
  if (inForeignContent && html.startsWith(CDATA_OPENING, lt)) return yield* scanner.endOfCdata(lt);
  const gt = scanner.gtFrom(lt);
  return gt < 0 ? undefined : gt + 1;
}
