/** Why a PDF's text could not be read. */
export type PdfUnreadable = 'encrypted' | 'malformed' | 'too-many-pages' | 'too-much-text';

/** What {@link PdfReader.readPages} found: each page's text, in order, or why there is none. */
export type PdfPages =
  | { ok: true; pages: string[] }
  | { ok: false; reason: PdfUnreadable; detail: string };

/** Port for reading the text layer of a PDF (pdf.js locally and in Lambda, no native code). */
export interface PdfReader {
  /**
   * The text of every page, page 1 first (an empty string for a page without text). A file
   * that is not a readable PDF, that needs a password, or that has more than `maxPages` pages
   * (none is read then) is an answer, not an error; so is one whose text passes `maxChars`
   * (reading stops at the page that passes it). A `signal` that aborts stops the reading
   * between pages.
   */
  readPages(
    bytes: Uint8Array,
    options?: { signal?: AbortSignal; maxPages?: number; maxChars?: number },
  ): Promise<PdfPages>;
}
