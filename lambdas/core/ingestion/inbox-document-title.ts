import { createHash } from 'node:crypto';
import { MAX_TITLE_CHARS } from '../schemas/documents.js';
import { documentTitle } from './document-title.js';

/** Hex digits of the path's SHA-256 a disambiguated title ends with (64 bits). */
const HASH_DIGITS = 16;

/** Code points of the path's end kept when a long path is shortened (its file name). */
const KEPT_END_CHARS = 40;

const DISAMBIGUATED = new RegExp(` #[0-9a-f]{${HASH_DIGITS}}$`);

/**
 * The title of the document a drop-folder file (`tenants/<t>/inbox/<path>`) feeds: the
 * document's identity, since the title claim maps a title to one document.
 *
 * A path that is already a title as {@link documentTitle} stores it, and fits
 * `MAX_TITLE_CHARS`, is its own title, so the file and an API upload of that title are one
 * document, and documents made before this rule keep their identity. Any other path (one whose
 * white space {@link documentTitle} would fold or trim, one too long to be a title, or one
 * that ends as a disambiguated title does) gets a readable form, shortened in the middle when
 * long, followed by ` #` and 16 hex digits of the SHA-256 of the whole path, so two distinct
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
  const characters = Array.from(readable);
  if (
    readable === composed &&
    characters.length <= MAX_TITLE_CHARS &&
    !DISAMBIGUATED.test(readable)
  ) {
    return readable;
  }
  const suffix = ` #${createHash('sha256').update(composed).digest('hex').slice(0, HASH_DIGITS)}`;
  const room = MAX_TITLE_CHARS - suffix.length;
  const shown =
    characters.length <= room
      ? readable
      : `${characters.slice(0, room - KEPT_END_CHARS - 1).join('')}…${characters.slice(-KEPT_END_CHARS).join('')}`;
  return documentTitle(`${shown}${suffix}`);
};
