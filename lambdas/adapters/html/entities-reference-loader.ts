import type {
  HtmlReferenceDecoder,
  HtmlReferenceLoader,
} from '../../core/ports/html-references.js';

/**
 * {@link HtmlReferenceLoader} on `entities` (the HTML standard's table of named references, as
 * `htmlparser2` and `parse5` use it). The package is imported on the first call, so a function
 * that reads no HTML never evaluates its table; the Lambda functions install it beside their
 * bundle instead of bundling it (`lib/bundling.ts`, `BUNDLE_BUDGETS`).
 *
 * @example
 * const references = await new EntitiesReferenceLoader().load();
 * references.text('Caf&eacute; &#8211; &#x20AC;5') // 'Café – €5'
 */
export class EntitiesReferenceLoader implements HtmlReferenceLoader {
  async load(): Promise<HtmlReferenceDecoder> {
    // Loaded on the first HTML document: uploads of other types never evaluate the table.
    const { decodeHTML, decodeHTMLAttribute } = await import('entities');
    return {
      text: (raw) => decodeHTML(raw),
      attribute: (raw) => decodeHTMLAttribute(raw),
    };
  }
}
