import { MAX_TITLE_CHARS } from '../schemas/documents.js';
import { disambiguatedTitle, looksDisambiguated } from './disambiguated-title.js';
import { documentTitle } from './document-title.js';

/**
 * The title of the document a drop-folder file (`tenants/<t>/inbox/<path>`) feeds: the
 * document's identity, since the title claim maps a title to one document.
 *
 * A path that is already a title as {@link documentTitle} stores it, and fits
 * `MAX_TITLE_CHARS`, is its own title, so the file and an API upload of that title are one
 * document, and documents made before this rule keep their identity. Any other path (one whose
 * white space {@link documentTitle} would fold or trim, one too long to be a title, or one
 * that ends as a disambiguated title does) gets {@link disambiguatedTitle}: a readable form,
 * shortened in the middle when long, followed by a hash of the whole path, so two distinct
 * paths never name one document. The path is read in Unicode's composed form (NFC) first: the
 * same name composed or decomposed (as macOS writes it) is one file to its owner, and macOS
 * cannot hold both.
 *
 * @example
 * inboxDocumentTitle('guides/setup.md'); // 'guides/setup.md'
 * inboxDocumentTitle('release  notes.md'); // 'release notes.md #5c1f…' (16 hex digits)
 */
export const inboxDocumentTitle = (path: string): string => {
  const composed = path.normalize('NFC');
  const readable = documentTitle(composed);
  if (
    readable === composed &&
    Array.from(readable).length <= MAX_TITLE_CHARS &&
    !looksDisambiguated(readable)
  ) {
    return readable;
  }
  return disambiguatedTitle(readable, composed, MAX_TITLE_CHARS);
};
