import { createHash } from 'node:crypto';
import { documentTitle } from './document-title.js';

/** Hex digits of the SHA-256 a disambiguated title ends with (64 bits). */
const HASH_DIGITS = 16;

/** Code points of the name's end kept when a long name is shortened (its file name, extension). */
const KEPT_END_CHARS = 40;

const DISAMBIGUATED_END = new RegExp(` #[0-9a-f]{${HASH_DIGITS}}$`);

/** Whether a title ends as {@link disambiguatedTitle} ends one (` #` and 16 hex digits). */
export const looksDisambiguated = (title: string): boolean => DISAMBIGUATED_END.test(title);

/**
 * A title for a name that cannot be its own title (too long, or folded by
 * {@link documentTitle}): `readable`, shortened in the middle when it does not fit `maxChars`
 * code points with the suffix, followed by ` #` and 16 hex digits of the SHA-256 of `whole`, so
 * that two distinct names never get one title, while the title still shows where it came from.
 *
 * @example
 * disambiguatedTitle('release notes.md', 'release  notes.md', 300); // 'release notes.md #5c1f…' (16 hex digits)
 */
export const disambiguatedTitle = (readable: string, whole: string, maxChars: number): string => {
  const suffix = ` #${createHash('sha256').update(whole).digest('hex').slice(0, HASH_DIGITS)}`;
  const characters = Array.from(readable);
  const room = maxChars - suffix.length;
  const shown =
    characters.length <= room
      ? readable
      : `${characters.slice(0, room - KEPT_END_CHARS - 1).join('')}…${characters.slice(-KEPT_END_CHARS).join('')}`;
  return documentTitle(`${shown}${suffix}`);
};
