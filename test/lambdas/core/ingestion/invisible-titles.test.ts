/**
 * A title made only of invisible characters was accepted. `titleSchema` trims (which
 * leaves zero-width and bidi characters) and `documentTitle` collapses white space, so
 * "\u200B" or "\u202E" names a document, while the same characters as a document's `text` are
 * refused ("The text is empty", `isBlank`). Such a document lists, and is cited in answers and
 * in the stream's `source-document` parts, with a title that shows nothing.
 */
import { describe, expect, it } from 'vitest';
import { titleSchema } from '../../../../lambdas/core/schemas/documents.js';
import { ingestionFixture } from '../../../support/ingestion-fixture.js';

describe('a document title that shows nothing', () => {
  it.each([
    ['zero-width spaces', '\u200B\u200B'],
    ['a right-to-left override', '\u202E'],
    ['a word joiner and a soft hyphen', '\u2060\u00AD'],
  ])('of %s is refused by the upload schema', (_, title) => {
    expect(titleSchema.safeParse(title).success).toBe(false);
  });

  it('is refused by UploadDocument as a missing title is', async () => {
    const { upload } = ingestionFixture();

    const outcome = await upload
      .execute({
        tenantId: 'acme',
        title: '\u200B',
        content: Buffer.from('# Guide\n\nInstall it.'),
        contentType: 'text/markdown',
      })
      .then(
        () => 'accepted',
        (error: { status?: number }) => error.status,
      );

    expect(outcome).toBe(400);
  });
});
