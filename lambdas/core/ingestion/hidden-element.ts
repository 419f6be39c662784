/** A CSS property that can keep an element's text off screen, and the value it has. */
type Visibility = 'shown' | 'hidden';

/** Single keywords of `display` (`none` apart), and of its two-keyword forms (`block flow`). */
const DISPLAY_KEYWORDS = new Set(
  'block inline inline-block flex inline-flex grid inline-grid flow flow-root contents list-item run-in table inline-table table-row-group table-header-group table-footer-group table-row table-cell table-column-group table-column table-caption ruby ruby-base ruby-text ruby-base-container ruby-text-container math'.split(
    ' ',
  ),
);

/** CSS-wide keywords that, on an element a browser renders, leave its text on screen. */
const SHOWING_WIDE_KEYWORDS = new Set(['initial', 'inherit', 'unset']);

/** What a declared value means for each property read, or undefined when it is not one. */
const READERS: Record<string, (value: string) => Visibility | undefined> = {
  display: (value) => {
    if (value === 'none') return 'hidden';
    if (SHOWING_WIDE_KEYWORDS.has(value)) return 'shown';
    return value.split(' ').every((keyword) => DISPLAY_KEYWORDS.has(keyword)) ? 'shown' : undefined;
  },
  visibility: (value) =>
    value === 'hidden' || value === 'collapse'
      ? 'hidden'
      : value === 'visible' || SHOWING_WIDE_KEYWORDS.has(value)
        ? 'shown'
        : undefined,
  'content-visibility': (value) =>
    value === 'hidden'
      ? 'hidden'
      : value === 'visible' || value === 'auto' || SHOWING_WIDE_KEYWORDS.has(value)
        ? 'shown'
        : undefined,
};

const isHexCode = (code: number) =>
  (code >= 0x30 && code <= 0x39) ||
  (code >= 0x41 && code <= 0x46) ||
  (code >= 0x61 && code <= 0x66);
const isCssWhitespace = (code: number) =>
  code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;

/** CSS text with its escapes (`\6e `, `\:`) read as the characters they stand for. */
const unescapeCss = (text: string): string => {
  if (!text.includes('\\')) return text;
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    const slash = text.indexOf('\\', at);
    if (slash < 0) break;
    out.push(text.slice(at, slash));
    let end = slash + 1;
    while (end < text.length && end - slash <= 6 && isHexCode(text.charCodeAt(end))) end += 1;
    if (end > slash + 1) {
      const point = Number.parseInt(text.slice(slash + 1, end), 16);
      const valid = point > 0 && point <= 0x10ffff && (point < 0xd800 || point > 0xdfff);
      out.push(valid ? String.fromCodePoint(point) : '\uFFFD');
      at = end < text.length && isCssWhitespace(text.charCodeAt(end)) ? end + 1 : end;
    } else {
      out.push(text.slice(end, end + 1));
      at = end + 1;
    }
  }
  out.push(text.slice(at));
  return out.join('');
};

/** CSS text without its comments (an unclosed one runs to the end). */
const withoutCssComments = (text: string): string => {
  const out: string[] = [];
  let at = 0;
  for (let open = text.indexOf('/*'); open >= 0; open = text.indexOf('/*', at)) {
    out.push(text.slice(at, open));
    const close = text.indexOf('*/', open + 2);
    at = close < 0 ? text.length : close + 2;
  }
  out.push(text.slice(at));
  return out.join('');
};

/**
 * What an inline `style` declares for each property of {@link READERS}, as the cascade settles
 * it: a later declaration wins, unless an earlier one is `!important` and it is not; a value
 * the reader does not know is ignored, as a browser ignores an invalid declaration.
 */
const declaredVisibility = (style: string): Map<string, Visibility> => {
  const declared = new Map<string, { value: Visibility; important: boolean }>();
  for (const declaration of withoutCssComments(style).split(';')) {
    const colon = declaration.indexOf(':');
    if (colon < 0) continue;
    const property = unescapeCss(declaration.slice(0, colon)).trim().toLowerCase();
    const read = READERS[property];
    if (read === undefined) continue;
    let text = unescapeCss(declaration.slice(colon + 1)).toLowerCase();
    const bang = text.lastIndexOf('!');
    const important = bang >= 0 && text.slice(bang + 1).trim() === 'important';
    if (important) text = text.slice(0, bang);
    const value = read(
      text
        .trim()
        .split(/[ \t\n\f\r]+/)
        .join(' '),
    );
    if (value === undefined) continue;
    if (declared.get(property)?.important && !important) continue;
    declared.set(property, { value, important });
  }
  return new Map([...declared].map(([property, { value }]) => [property, value]));
};

/**
 * Whether an element with these attributes (as `readAttributes` reads them) is kept off
 * screen with everything inside it, so that a browser's `innerText` leaves its text out: the
 * `hidden` attribute (`display: none`, or `content-visibility: hidden` for
 * `hidden="until-found"`; MathML elements do not honour it) unless its inline style overrides
 * it, or an inline `display: none`, `visibility: hidden | collapse` or
 * `content-visibility: hidden`. `aria-hidden` hides nothing from sight. A `visibility: hidden`
 * element's descendant set `visibility: visible` again would be on screen; its text is left out
 * with the rest.
 *
 * @example
 * hidesElement(new Map([['style', 'display: none !important']]), { inMathMl: false }) // true
 */
export const hidesElement = (
  attributes: ReadonlyMap<string, string>,
  { inMathMl }: { inMathMl: boolean },
): boolean => {
  const style = attributes.get('style');
  const declared = style === undefined ? new Map<string, Visibility>() : declaredVisibility(style);
  const hidden = inMathMl ? undefined : attributes.get('hidden')?.toLowerCase();
  const byAttribute =
    hidden === undefined ? undefined : hidden === 'until-found' ? 'content-visibility' : 'display';
  return ['display', 'visibility', 'content-visibility'].some(
    (property) =>
      (declared.get(property) ?? (property === byAttribute ? 'hidden' : 'shown')) === 'hidden',
  );
};
