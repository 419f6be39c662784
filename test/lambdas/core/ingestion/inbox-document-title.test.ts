import { describe, expect, it } from 'vitest';
import { documentTitle } from '../../../../lambdas/core/ingestion/document-title.js';
import { inboxDocumentTitle } from '../../../../lambdas/core/ingestion/inbox-document-title.js';
import { MAX_TITLE_CHARS } from '../../../../lambdas/core/schemas/documents.js';

/** A path of nested folders, `length` characters long, ending in `name`. */
const longPath = (length: number, name: string): string =>
  `${'folder-'.repeat(length).slice(0, length - name.length - 1)}/${name}`;

describe('inboxDocumentTitle', () => {
  it('titles a path that is already a stored title by the path itself', () => {
    expect(inboxDocumentTitle('guides/release notes.md')).toBe('guides/release notes.md');
  });

  it('gives two long paths that share their first 300 characters two titles', () => {
    const first = longPath(400, 'a.md');
    const second = longPath(400, 'b.md');
    expect(first.slice(0, MAX_TITLE_CHARS)).toBe(second.slice(0, MAX_TITLE_CHARS));

    expect(inboxDocumentTitle(first)).not.toBe(inboxDocumentTitle(second));
  });

  it('shortens a long path to a title within the limit that shows its start and its file name', () => {
    const path = longPath(400, 'quarterly-report.md');

    const title = inboxDocumentTitle(path);

    expect(Array.from(title).length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
    expect(title.startsWith('folder-folder-')).toBe(true);
    expect(title).toMatch(/….*\/quarterly-report\.md #[0-9a-f]{16}$/);
  });

  it('gives paths that differ only in white space that titles fold two titles', () => {
    const titles = [
      'release notes.md',
      'release  notes.md',
      'release\tnotes.md',
      ' release notes.md',
    ];

    expect(new Set(titles.map(inboxDocumentTitle)).size).toBe(titles.length);
  });

  it('keeps a folded path readable, its white space folded, before the hash', () => {
    expect(inboxDocumentTitle('release  notes.md')).toMatch(/^release notes\.md #[0-9a-f]{16}$/);
  });

  it('gives a path spelled like another path’s disambiguated title a title of its own', () => {
    const folded = inboxDocumentTitle('release  notes.md');

    expect(inboxDocumentTitle(folded)).not.toBe(folded);
  });

  it('titles the same name composed (NFC) and decomposed (NFD) as one document', () => {
    const composed = 'Résumé équipe.md'.normalize('NFC');

    expect(inboxDocumentTitle(composed.normalize('NFD'))).toBe(inboxDocumentTitle(composed));
  });

  it('gives the same title every time, one that the stored form leaves as it is', () => {
    const path = longPath(500, 'notes  draft.md');

    const title = inboxDocumentTitle(path);

    expect(inboxDocumentTitle(path)).toBe(title);
    expect(documentTitle(title)).toBe(title);
  });
});
