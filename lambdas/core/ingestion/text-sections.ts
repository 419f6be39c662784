import { isBlank } from '../text/whitespace.js';
import { runSteps, type Steps } from '../text/work-steps.js';
import {
  admonitionTitle,
  atxHeading,
  fenceOpening,
  frontMatterFence,
  isIncludeDirective,
  isLinkDefinition,
  isThematicBreak,
  MAX_STRUCTURE_LINE_CHARS,
  setextUnderline,
  withoutAttributes,
  withoutComments,
} from './markdown-lines.js';

/** A run of paragraphs under the same headings. */
export interface TextSection {
  /** Titles of the enclosing headings, outermost first; empty before the first heading. */
  headingPath: string[];
  /** Paragraphs (a fenced code block counts as one), without surrounding blank lines. */
  paragraphs: string[];
}

/**
 * How to read the text: Markdown structure (a Markdown file: its front matter, HTML comments
 * and link definitions are markup, not text), the same structure of a page stripped of its
 * HTML (`html`: what looks like those is the page's text), or paragraphs only.
 */
export type TextFormat = 'markdown' | 'html' | 'plain';

/** Characters of text, and lines, read between two pauses of {@link sectionSteps}. */
const CHARS_PER_STEP = 8_192;
/** Front matter longer than this is taken for text that happens to start with `---`. */
const MAX_FRONT_MATTER_LINES = 200;
const LINES_PER_STEP = 256;

/** The lines of a paragraph joined, without leading empty lines or trailing whitespace. */
const paragraphOf = (lines: string[]): string => {
  if (lines.length === 1) return lines[0]!.trimEnd();
  let first = 0;
  while (first < lines.length && lines[first] === '') first += 1;
  return lines.slice(first).join('\n').trimEnd();
};

/** A paragraph with its place in the document's sections. */
export interface SectionParagraph {
  /** Which section it belongs to: the same number for paragraphs of one section. */
  section: number;
  /** Titles of the enclosing headings, outermost first (the section's, shared). */
  headingPath: string[];
  text: string;
}

/**
 * The paragraphs of {@link splitSections}, one at a time, with `undefined` at points where the
 * work may pause (every few hundred lines or 8 KiB of text): a reader can act on each
 * paragraph as it comes, so a long document is never held whole in pieces, and a budget can
 * bound the reading.
 */
export function* paragraphSteps(
  source: string,
  format: TextFormat,
): Generator<SectionParagraph | undefined, void, void> {
  const text = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  const headings: { level: number; title: string }[] = [];
  let section = 0;
  let headingPath: string[] = [];
  let lines: string[] = [];
  let fence: { char: string; length: number } | undefined;
  // Front matter (`---` … `---` as the first lines) is the page's metadata, not its text; it is
  // held until it closes, and read as text after all when it never does.
  let frontMatter: { fence: string; lines: string[] } | undefined;
  let firstLine = true;
  let comment = false;
  const ready: SectionParagraph[] = [];
  let read = 0;
  let lineCount = 0;

  const emit = (paragraph: string) => ready.push({ section, headingPath, text: paragraph });
  const flushParagraph = () => {
    if (lines.length === 0) return;
    const paragraph = paragraphOf(lines);
    if (!isBlank(paragraph)) emit(paragraph);
    lines = [];
  };
  const openSection = (level: number, title: string) => {
    flushParagraph();
    while (headings.length > 0 && headings.at(-1)!.level >= level) headings.pop();
    if (title !== '') headings.push({ level, title });
    section += 1;
    headingPath = headings.map((heading) => heading.title);
  };
  const readLine = (source: string) => {
    if (format === 'plain') {
      if (isBlank(source)) flushParagraph();
      else lines.push(source);
      return;
    }
    if (firstLine) {
      firstLine = false;
      const opening = format === 'markdown' ? frontMatterFence(source) : undefined;
      if (opening) {
        frontMatter = { fence: opening, lines: [source] };
        return;
      }
    }
    if (frontMatter !== undefined) {
      const closing = source.trimEnd();
      if (closing === frontMatter.fence || (frontMatter.fence === '---' && closing === '...')) {
        frontMatter = undefined;
      } else if (frontMatter.lines.push(source) > MAX_FRONT_MATTER_LINES) {
        const held = frontMatter.lines;
        frontMatter = undefined;
        for (const line of held) readMarkdownLine(line);
      }
      return;
    }
    readMarkdownLine(source);
  };
  const readMarkdownLine = (source: string) => {
    let line = source;
    if (format === 'markdown' && fence === undefined && (comment || line.includes('<!--'))) {
      const read = withoutComments(line, comment);
      if (read.text === line) comment = read.open;
      else {
        comment = read.open;
        // A line that held only a comment is no line of the text, not even a blank one.
        if (isBlank(read.text)) return;
        line = read.text;
      }
    }
    // Structure is read on lines of ordinary length only: a longer line is paragraph text.
    const structural = line.length <= MAX_STRUCTURE_LINE_CHARS;
    if (fence !== undefined) {
      lines.push(line);
      const closing = structural ? fenceOpening(line) : undefined;
      if (closing && closing.char === fence.char && closing.length >= fence.length) {
        fence = undefined;
        flushParagraph();
      }
      return;
    }
    if (!structural) {
      lines.push(line);
      return;
    }
    const opening = fenceOpening(line);
    const heading = opening ? undefined : atxHeading(line);
    const underline = setextUnderline(line);
    if (opening) {
      flushParagraph();
      fence = opening;
      lines.push(line);
    } else if (heading) {
      openSection(heading.level, heading.title);
    } else if (underline && lines.length === 1) {
      const title = withoutAttributes(lines[0]!.trim());
      lines = [];
      openSection(underline === '=' ? 1 : 2, title);
    } else if (
      isThematicBreak(line) ||
      isBlank(line) ||
      isIncludeDirective(line) ||
      (format === 'markdown' && lines.length === 0 && isLinkDefinition(line))
    ) {
      flushParagraph();
    } else {
      const admonition = admonitionTitle(line);
      if (admonition === undefined) {
        lines.push(line);
      } else {
        flushParagraph();
        if (admonition !== '') emit(admonition);
      }
    }
  };

  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    readLine(text.slice(start, end));
    read += end - start + 1;
    start = end + 1;
    for (const paragraph of ready) yield paragraph;
    ready.length = 0;
    lineCount += 1;
    if (read >= CHARS_PER_STEP || lineCount >= LINES_PER_STEP) {
      read = 0;
      lineCount = 0;
      yield;
    }
  }
  if (frontMatter !== undefined) {
    const held = frontMatter.lines;
    frontMatter = undefined;
    for (const line of held) readMarkdownLine(line);
  }
  flushParagraph();
  yield* ready;
}

/** {@link splitSections} as pausable {@link Steps}. */
export function* sectionSteps(text: string, format: TextFormat): Steps<TextSection[]> {
  const sections: TextSection[] = [];
  let current = -1;
  for (const paragraph of paragraphSteps(text, format)) {
    if (paragraph === undefined) {
      yield;
    } else if (paragraph.section === current) {
      sections.at(-1)!.paragraphs.push(paragraph.text);
    } else {
      current = paragraph.section;
      sections.push({ headingPath: paragraph.headingPath, paragraphs: [paragraph.text] });
    }
  }
  return sections;
}

/**
 * Splits a text into sections of paragraphs. For Markdown, ATX (`## Title`) and setext
 * (`Title` over `===`/`---`) headings open sections and set the heading path, fenced code blocks
 * stay whole (a `#` inside one is code, not a heading) and thematic breaks separate paragraphs.
 * Markup of documentation tools that is not text is left out: heading attributes
 * (`## Recap { #recap }`), include directives (`{* ../src/app.py hl[2] *}`) and admonition
 * fences (`/// tip`, `////`), whose text and title (`/// note | Details` gives `Details`) stay.
 * For plain text, blank lines separate paragraphs and nothing else is interpreted.
 *
 * Lines are read by scanners, in time linear in the text whatever it holds.
 *
 * @example
 * splitSections('# A\n\none\n\n## B\n\ntwo', 'markdown')
 * // [{ headingPath: ['A'], paragraphs: ['one'] }, { headingPath: ['A', 'B'], paragraphs: ['two'] }]
 */
export const splitSections = (text: string, format: TextFormat): TextSection[] =>
  runSteps(sectionSteps(text, format));
