import { isBlank } from '../text/whitespace.js';
import { runSteps, type Steps } from '../text/work-steps.js';
import {
  admonitionTitle,
  atxHeading,
  fenceOpening,
  isIncludeDirective,
  isThematicBreak,
  MAX_STRUCTURE_LINE_CHARS,
  setextUnderline,
  withoutAttributes,
} from './markdown-lines.js';

/** A run of paragraphs under the same headings. */
export interface TextSection {
  /** Titles of the enclosing headings, outermost first; empty before the first heading. */
  headingPath: string[];
  /** Paragraphs (a fenced code block counts as one), without surrounding blank lines. */
  paragraphs: string[];
}

/** How to read the text: Markdown structure, or paragraphs only. */
export type TextFormat = 'markdown' | 'plain';

/** Characters of text, and lines, read between two pauses of {@link sectionSteps}. */
const CHARS_PER_STEP = 8_192;
const LINES_PER_STEP = 256;

/** The lines of a paragraph joined, without leading empty lines or trailing whitespace. */
const paragraphOf = (lines: string[]): string => {
  if (lines.length === 1) return lines[0]!.trimEnd();
  let first = 0;
  while (first < lines.length && lines[first] === '') first += 1;
  return lines.slice(first).join('\n').trimEnd();
};

/**
 * {@link splitSections} as pausable {@link Steps}: it pauses every few hundred lines or 8 KiB of text, so
 * that a budget can bound it and other work can run between its slices.
 */
export function* sectionSteps(text: string, format: TextFormat): Steps<TextSection[]> {
  const sections: TextSection[] = [];
  const headings: { level: number; title: string }[] = [];
  let current: TextSection = { headingPath: [], paragraphs: [] };
  let lines: string[] = [];
  let fence: { char: string; length: number } | undefined;
  let read = 0;
  let lineCount = 0;

  const flushParagraph = () => {
    if (lines.length === 0) return;
    const paragraph = paragraphOf(lines);
    if (!isBlank(paragraph)) current.paragraphs.push(paragraph);
    lines = [];
  };
  const openSection = (level: number, title: string) => {
    flushParagraph();
    if (current.paragraphs.length > 0) sections.push(current);
    while (headings.length > 0 && headings.at(-1)!.level >= level) headings.pop();
    if (title !== '') headings.push({ level, title });
    current = { headingPath: headings.map((heading) => heading.title), paragraphs: [] };
  };

  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    read += line.length + 1;
    lineCount += 1;
    if (read >= CHARS_PER_STEP || lineCount >= LINES_PER_STEP) {
      read = 0;
      lineCount = 0;
      yield;
    }
    if (format === 'plain') {
      if (isBlank(line)) flushParagraph();
      else lines.push(line);
      continue;
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
      continue;
    }
    if (!structural) {
      lines.push(line);
      continue;
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
    } else if (isThematicBreak(line) || isBlank(line) || isIncludeDirective(line)) {
      flushParagraph();
    } else {
      const admonition = admonitionTitle(line);
      if (admonition === undefined) {
        lines.push(line);
      } else {
        flushParagraph();
        if (admonition !== '') current.paragraphs.push(admonition);
      }
    }
  }
  flushParagraph();
  if (current.paragraphs.length > 0) sections.push(current);
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
