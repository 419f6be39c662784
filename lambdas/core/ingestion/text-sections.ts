/** A run of paragraphs under the same headings. */
export interface TextSection {
  /** Titles of the enclosing headings, outermost first; empty before the first heading. */
  headingPath: string[];
  /** Paragraphs (a fenced code block counts as one), without surrounding blank lines. */
  paragraphs: string[];
}

/** How to read the text: Markdown structure, or paragraphs only. */
export type TextFormat = 'markdown' | 'plain';

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Splits a text into sections of paragraphs. For Markdown, ATX (`## Title`) and setext
 * (`Title` over `===`/`---`) headings open sections and set the heading path, fenced code blocks
 * stay whole (a `#` inside one is code, not a heading) and thematic breaks separate paragraphs.
 * For plain text, blank lines separate paragraphs and nothing else is interpreted.
 *
 * @example
 * splitSections('# A\n\none\n\n## B\n\ntwo', 'markdown')
 * // [{ headingPath: ['A'], paragraphs: ['one'] }, { headingPath: ['A', 'B'], paragraphs: ['two'] }]
 */
export const splitSections = (text: string, format: TextFormat): TextSection[] => {
  const sections: TextSection[] = [];
  const headings: { level: number; title: string }[] = [];
  let current: TextSection = { headingPath: [], paragraphs: [] };
  let lines: string[] = [];
  let fence: string | undefined;

  const flushParagraph = () => {
    const paragraph = lines.join('\n').replace(/^\n+|\s+$/g, '');
    if (paragraph.trim() !== '') current.paragraphs.push(paragraph);
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
    if (format === 'plain') {
      if (line.trim() === '') flushParagraph();
      else lines.push(line);
      continue;
    }
    if (fence !== undefined) {
      lines.push(line);
      const closing = FENCE.exec(line)?.[1];
      if (closing && closing[0] === fence[0] && closing.length >= fence.length) {
        fence = undefined;
        flushParagraph();
      }
      continue;
    }
    const opening = FENCE.exec(line)?.[1];
    const atx = ATX_HEADING.exec(line);
    const underline = SETEXT_UNDERLINE.exec(line)?.[1];
    if (opening) {
      flushParagraph();
      fence = opening;
      lines.push(line);
    } else if (atx) {
      openSection(atx[1]!.length, (atx[2] ?? '').trim());
    } else if (underline && lines.length === 1) {
      const title = lines[0]!.trim();
      lines = [];
      openSection(underline[0] === '=' ? 1 : 2, title);
    } else if (THEMATIC_BREAK.test(line) || line.trim() === '') {
      flushParagraph();
    } else {
      lines.push(line);
    }
  }
  flushParagraph();
  if (current.paragraphs.length > 0) sections.push(current);
  return sections;
};
