/**
 * Decodes HTML character references as HTML's tokenizer reads them: every named reference of
 * the standard (`&eacute;`, `&alpha;`…), decimal (`&#169;`) and hexadecimal (`&#xA9;`) ones,
 * the numeric references 128–159 as the Windows-1252 characters the standard maps them to
 * (`&#150;` is `–`), invalid code points as U+FFFD, and unknown names left as they are.
 */
export interface HtmlReferenceDecoder {
  /** Decodes the references of text, the legacy names a browser reads without their `;` too. */
  text(raw: string): string;
  /**
   * Decodes the references of an attribute value: a legacy name without its `;` followed by `=`
   * or a letter or digit stays as written (`?a=1&copy=2` keeps `&copy`), as in a browser.
   */
  attribute(raw: string): string;
}

/**
 * Port for getting an {@link HtmlReferenceDecoder}, whose table of the standard's 2 000-odd
 * names is large (25 KB of code): loaded when the first HTML document is read, so a function
 * that never reads one never loads it.
 */
export interface HtmlReferenceLoader {
  /** The decoder, loaded on the first call. */
  load(): Promise<HtmlReferenceDecoder>;
}
