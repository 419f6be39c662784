/**
 * The regular-expression implementations of `splitSections` and `stripHtml` that the linear
 * scanners replaced, kept as the reference the scanners must agree with on ordinary Markdown
 * and HTML. Quadratic on hostile input: only ever run on small generated documents.
 */
import { decodeEntities } from '../../../../../lambdas/core/ingestion/strip-html.js';
import type { TextSection } from '../../../../../lambdas/core/ingestion/text-sections.js';
import { htmlReferences } from '../../../../support/readers.js';

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The former `splitSections`. */
export const referenceSplitSections = (
  text: string,
  format: 'markdown' | 'plain',
): TextSection[] => {
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

/** Marks where a rendered `<pre>` block goes back (a private-use character, removed from input). */
const PLACEHOLDER = '\uE000';

/** Elements removed with everything inside them: they hold no readable text. */
const INVISIBLE = ['script', 'style', 'head', 'noscript', 'template', 'svg', 'iframe', 'object'];

/** Elements that separate paragraphs. */
const BLOCKS =
  'address|article|aside|blockquote|details|dialog|div|dl|fieldset|figcaption|figure|footer|form|header|hr|main|nav|ol|p|section|summary|table|ul|caption|thead|tbody|tfoot';

/** Elements that start a new line without starting a paragraph (their end tags are optional). */
const LINES = 'br|li|dt|dd|tr|option';

const removeTags = (html: string): string =>
  html.replace(/<\/?[a-z][^>]*>/gi, '').replace(/<![^>]*>/g, '');

/** The former `stripHtml`. */
export const referenceStripHtml = (
  html: string,
  options: { markHeadings?: boolean } = {},
): string => {
  let text = html.replaceAll(PLACEHOLDER, '').replace(/<!--[\s\S]*?(-->|$)/g, '');
  for (const tag of INVISIBLE) {
    text = text.replace(new RegExp(`<${tag}\\b[^>]*>[\\s\\S]*?(</${tag}\\s*>|$)`, 'gi'), ' ');
  }
  // <pre> keeps its whitespace: render it now and park it behind a placeholder.
  const preformatted: string[] = [];
  text = text.replace(/<pre\b[^>]*>([\s\S]*?)(<\/pre\s*>|$)/gi, (_, inner: string) => {
    const rendered = decodeEntities(
      removeTags(inner.replace(/<br\s*\/?>/gi, '\n')),
      htmlReferences,
    );
    preformatted.push(rendered.replace(/^\n+/, '').trimEnd());
    return `\n\n${PLACEHOLDER}${preformatted.length - 1}${PLACEHOLDER}\n\n`;
  });
  text = text
    .replace(/\s+/g, ' ')
    .replace(/<h([1-6])\b[^>]*>/gi, (_, level: string) =>
      options.markHeadings ? `\n\n${'#'.repeat(Number(level))} ` : '\n\n',
    )
    .replace(/<\/h[1-6]\s*>/gi, '\n\n')
    .replace(new RegExp(`</?(${BLOCKS})\\b[^>]*>`, 'gi'), '\n\n')
    .replace(new RegExp(`<(${LINES})\\b[^>]*/?>`, 'gi'), '\n')
    .replace(new RegExp(`</(${LINES})\\s*>`, 'gi'), '')
    .replace(/<\/t[dh]\s*>/gi, ' ');
  text = decodeEntities(removeTags(text), htmlReferences)
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.replace(
    new RegExp(`${PLACEHOLDER}(\\d+)${PLACEHOLDER}`, 'g'),
    (_, index: string) => preformatted[Number(index)]!,
  );
};
