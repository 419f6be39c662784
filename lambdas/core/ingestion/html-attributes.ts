/** Whitespace as HTML's tokenizer reads it: tab, line feed, form feed, carriage return, space. */
const isHtmlWhitespace = (code: number) =>
  code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;

const SLASH = 0x2f;
const EQUALS = 0x3d;

/**
 * The attributes of a start tag, read as HTML's tokenizer reads them from `from` (just past the
 * tag name) to `to` (its `>`): names lower-cased, values with their character references
 * decoded by `decodeValue`, and only the first of two attributes of the same name kept, as a
 * browser keeps it. Linear in the length of the tag.
 *
 * @example
 * readAttributes('<div HIDDEN style="display&#58;none">', 4, 36, references.attribute)
 * // Map { 'hidden' => '', 'style' => 'display:none' }
 */
export const readAttributes = (
  html: string,
  from: number,
  to: number,
  decodeValue: (raw: string) => string,
): Map<string, string> => {
  const attributes = new Map<string, string>();
  let at = from;
  const skipWhitespace = () => {
    while (at < to && isHtmlWhitespace(html.charCodeAt(at))) at += 1;
  };
  while (at < to) {
    const code = html.charCodeAt(at);
    if (isHtmlWhitespace(code) || code === SLASH) {
      at += 1;
      continue;
    }
    const nameStart = at;
    at += 1; // a name may start with `=`
    while (at < to) {
      const next = html.charCodeAt(at);
      if (isHtmlWhitespace(next) || next === SLASH || next === EQUALS) break;
      at += 1;
    }
    const name = html.slice(nameStart, at).toLowerCase();
    skipWhitespace();
    let value = '';
    if (html.charCodeAt(at) === EQUALS && at < to) {
      at += 1;
      skipWhitespace();
      const quote = html.charCodeAt(at);
      if (at < to && (quote === 0x22 || quote === 0x27)) {
        const valueStart = at + 1;
        at = valueStart;
        while (at < to && html.charCodeAt(at) !== quote) at += 1;
        value = html.slice(valueStart, at);
        at += 1;
      } else {
        const valueStart = at;
        while (at < to && !isHtmlWhitespace(html.charCodeAt(at))) at += 1;
        value = html.slice(valueStart, at);
      }
    }
    if (!attributes.has(name)) attributes.set(name, decodeValue(value));
  }
  return attributes;
};
