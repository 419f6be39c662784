/**
 * Whether a UTF-16 code unit is whitespace as JavaScript's `\s` and `String.prototype.trim`
 * define it (Unicode `Zs`, the line terminators, tab, vertical tab, form feed and the BOM).
 */
export const isWhitespaceCode = (code: number): boolean =>
  code === 0x20 ||
  (code >= 0x09 && code <= 0x0d) ||
  (code >= 0x80 &&
    (code === 0xa0 ||
      code === 0x1680 ||
      (code >= 0x2000 && code <= 0x200a) ||
      code === 0x2028 ||
      code === 0x2029 ||
      code === 0x202f ||
      code === 0x205f ||
      code === 0x3000 ||
      code === 0xfeff));

/**
 * The number of words of a text: maximal runs of characters that are not whitespace, as
 * `text.split(/\s+/).filter(Boolean).length` counts them, in one pass and without allocating.
 *
 * @example
 * countWords('  How do\tpaths work?\n') // 4
 */
export const countWords = (text: string): number => {
  let words = 0;
  let inWord = false;
  for (let index = 0; index < text.length; index += 1) {
    const space = isWhitespaceCode(text.charCodeAt(index));
    if (!space && !inWord) words += 1;
    inWord = !space;
  }
  return words;
};

/**
 * A character that shows something: neither whitespace in Unicode's sense (`\s`, and NEL,
 * U+0085, which `\s` leaves out) nor a default-ignorable code point (zero-width spaces and
 * joiners, bidirectional marks and overrides, variation selectors, fillers, tags…). A single
 * character class, so the search is one linear pass.
 */
const VISIBLE = /[^\s\u0085\p{Default_Ignorable_Code_Point}]/u;

/**
 * Whether a text shows nothing: it is empty or made only of whitespace and invisible
 * (default-ignorable) characters, so there is nothing in it to index or read.
 *
 * @example
 * isBlank(' \u200b\u202e\n\u0085') // true
 * isBlank(' a ') // false
 */
export const isBlank = (text: string): boolean => !VISIBLE.test(text);
