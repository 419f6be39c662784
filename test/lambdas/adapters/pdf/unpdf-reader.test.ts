import { describe, expect, it } from 'vitest';
import { UnpdfReader } from '../../../../lambdas/adapters/pdf/unpdf-reader.js';
import { makePdf } from '../../../support/pdf-fixture.js';

describe('UnpdfReader', () => {
  const reader = new UnpdfReader();

  it('reads the text of every page, keeping line breaks', async () => {
    const pages = await reader.readPages(makePdf([['First line', 'Second (line)'], ['Page two']]));

    expect(pages).toEqual({ ok: true, pages: ['First line\nSecond (line)', 'Page two'] });
  });

  it('leaves the caller its bytes (pdf.js is handed a copy)', async () => {
    const bytes = new Uint8Array(makePdf([['Kept']]));

    await reader.readPages(bytes);

    expect(bytes.byteLength).toBeGreaterThan(0);
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
  });

  it('answers encrypted for a PDF that needs a password', async () => {
    const pages = await reader.readPages(makePdf([['Secret']], { encrypted: true }));

    expect(pages).toMatchObject({ ok: false, reason: 'encrypted' });
  });

  it('answers malformed for bytes that are no PDF', async () => {
    const pages = await reader.readPages(Buffer.from('%PDF-1.4\nnothing else'));

    expect(pages).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('stops between pages once its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('deadline'));

    await expect(
      reader.readPages(makePdf([['One'], ['Two']]), { signal: controller.signal }),
    ).rejects.toThrow('deadline');
  });

  it('stops when a timer aborts its signal during the reading, not only before it', async () => {
    // pdf.js resolves a page without giving timers a turn: without one between pages, a time
    // budget's timer fired only after the last page.
    const pages = Array.from({ length: 300 }, (_, page) => [`Page ${page + 1}`]);

    await expect(
      reader.readPages(makePdf(pages), { signal: AbortSignal.timeout(1) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('answers too-many-pages, reading none, for a PDF of more pages than it may read', async () => {
    const pages = await reader.readPages(makePdf([['One'], ['Two'], ['Three']]), {
      maxPages: 2,
    });

    expect(pages).toEqual({
      ok: false,
      reason: 'too-many-pages',
      detail: 'The PDF has 3 pages, more than the 2 read',
    });
  });
});
