/**
 * A document's title as it is stored and looked up: in Unicode's composed form (NFC), each run
 * of white space one space, none at either end. Uploads, presigned upload requests and
 * drop-folder events all name documents through it, so a file's removal finds the document its
 * creation made, and `Résumé.md` typed on a keyboard (composed) and synced from macOS
 * (decomposed: `e` and a combining accent) are one document.
 *
 * @example
 * documentTitle('  release \t notes.md '); // 'release notes.md'
 */
export const documentTitle = (name: string): string =>
  name.normalize('NFC').replace(/\s+/g, ' ').trim();
