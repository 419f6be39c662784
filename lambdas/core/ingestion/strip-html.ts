/** Options of {@link stripHtml}. */
export interface StripHtmlOptions {
  /**
   * Writes `<h1>`…`<h6>` as Markdown headings (`#`…`######`), so that the Markdown chunker
   * keeps the page's structure. Off by default: plain text out.
   */
  markHeadings?: boolean;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  shy: '',
  zwj: '',
  zwnj: '',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  deg: '°',
  plusmn: '±',
  times: '×',
  divide: '÷',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  larr: '←',
  rarr: '→',
  uarr: '↑',
  darr: '↓',
  harr: '↔',
  le: '≤',
  ge: '≥',
  ne: '≠',
  asymp: '≈',
  infin: '∞',
  check: '✓',
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

const decodeCodePoint = (codePoint: number): string =>
  Number.isInteger(codePoint) &&
  codePoint > 0 &&
  codePoint <= 0x10ffff &&
  !(codePoint >= 0xd800 && codePoint <= 0xdfff)
    ? String.fromCodePoint(codePoint)
    : '\uFFFD';

/**
 * Decodes HTML character references: the common named ones, decimal (`&#169;`) and hexadecimal
 * (`&#xA9;`). Unknown names are left as they are.
 *
 * @example
 * decodeEntities('Fish &amp; chips &#8211; &#x20AC;5') // 'Fish & chips – €5'
 */
export const decodeEntities = (text: string): string =>
  text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);/gi, (entity, name: string) => {
    if (name[0] === '#') {
      const hex = name[1] === 'x' || name[1] === 'X';
      return decodeCodePoint(Number.parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10));
    }
    return NAMED_ENTITIES[name] ?? NAMED_ENTITIES[name.toLowerCase()] ?? entity;
  });

const removeTags = (html: string): string =>
  html.replace(/<\/?[a-z][^>]*>/gi, '').replace(/<![^>]*>/g, '');

/**
 * Turns an HTML document into readable text for indexing: comments, scripts, styles and the
 * `<head>` are removed with their content; block elements become paragraph breaks and line
 * elements line breaks; whitespace collapses as a browser would, except inside `<pre>`; the
 * remaining markup is dropped and character references are decoded (last, so that an escaped
 * `&lt;script&gt;` stays as text). A regular-expression pass, not a parser: meant for
 * documents, not for sanitising HTML that is shown again.
 *
 * @example
 * stripHtml('<h1>Intro</h1><p>Hello&nbsp;<b>world</b></p><script>x()</script>')
 * // 'Intro\n\nHello world'
 */
export const stripHtml = (html: string, options: StripHtmlOptions = {}): string => {
  let text = html.replaceAll(PLACEHOLDER, '').replace(/<!--[\s\S]*?(-->|$)/g, '');
  for (const tag of INVISIBLE) {
    text = text.replace(new RegExp(`<${tag}\\b[^>]*>[\\s\\S]*?(</${tag}\\s*>|$)`, 'gi'), ' ');
  }
  // <pre> keeps its whitespace: render it now and park it behind a placeholder.
  const preformatted: string[] = [];
  text = text.replace(/<pre\b[^>]*>([\s\S]*?)(<\/pre\s*>|$)/gi, (_, inner: string) => {
    const rendered = decodeEntities(removeTags(inner.replace(/<br\s*\/?>/gi, '\n')));
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
  text = decodeEntities(removeTags(text))
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.replace(
    new RegExp(`${PLACEHOLDER}(\\d+)${PLACEHOLDER}`, 'g'),
    (_, index: string) => preformatted[Number(index)]!,
  );
};
