import type { PdfPages, PdfReader } from '../../core/ports/pdf-reader.js';

/** The text items of a page, as pdf.js gives them (marked content has no `str`). */
interface TextItems {
  items: readonly ({ str: string; hasEOL: boolean } | { type: string })[];
}

const pageText = ({ items }: TextItems): string =>
  items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('');

/** Lets due timers run: pdf.js resolves a page's promises without giving them a turn. */
const letTimersRun = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * {@link PdfReader} on `unpdf`, which bundles a serverless build of Mozilla's pdf.js: pure
 * JavaScript, no native binaries, so it runs in Lambda as it runs locally. Pages are read one
 * at a time, timers (a time budget's abort) run and the signal is checked between them; a file
 * of more than `maxPages` pages is refused once opened, and one whose text passes `maxChars` at
 * the page that passes it (compressed pages may share one content stream, so a file of a few
 * kilobytes can hold megabytes of text); pdf.js's `PasswordException` becomes
 * `encrypted` and every other refusal to open the file `malformed`. The library is imported on
 * the first PDF, so a function that only ever sees text never evaluates it.
 *
 * @example
 * await new UnpdfReader().readPages(bytes) // { ok: true, pages: ['Page one…', 'Page two…'] }
 */
export class UnpdfReader implements PdfReader {
  async readPages(
    bytes: Uint8Array,
    options: { signal?: AbortSignal; maxPages?: number; maxChars?: number } = {},
  ): Promise<PdfPages> {
    // Loaded on the first PDF: uploads of text never evaluate pdf.js.
    const { getDocumentProxy } = await import('unpdf');
    let document: Awaited<ReturnType<typeof getDocumentProxy>>;
    try {
      // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
      document = await getDocumentProxy(new Uint8Array(bytes), {
        isEvalSupported: false,
        verbosity: 0,
      });
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const message = error instanceof Error ? error.message : String(error);
      return name === 'PasswordException'
        ? { ok: false, reason: 'encrypted', detail: message }
        : { ok: false, reason: 'malformed', detail: message };
    }
    try {
      if (options.maxPages !== undefined && document.numPages > options.maxPages) {
        return {
          ok: false,
          reason: 'too-many-pages',
          detail: `The PDF has ${document.numPages} pages, more than the ${options.maxPages} read`,
        };
      }
      const pages: string[] = [];
      let chars = 0;
      for (let number = 1; number <= document.numPages; number += 1) {
        await letTimersRun();
        options.signal?.throwIfAborted();
        const page = await document.getPage(number);
        const text = pageText((await page.getTextContent()) as TextItems);
        page.cleanup();
        chars += text.length;
        if (options.maxChars !== undefined && chars > options.maxChars) {
          return {
            ok: false,
            reason: 'too-much-text',
            detail: `The PDF's text passes ${options.maxChars} characters by page ${number}`,
          };
        }
        pages.push(text);
      }
      return { ok: true, pages };
    } catch (error) {
      if (options.signal?.aborted) throw error;
      return {
        ok: false,
        reason: 'malformed',
        detail: error instanceof Error ? error.message : String(error),
      };
    } finally {
      await document.destroy();
    }
  }
}
