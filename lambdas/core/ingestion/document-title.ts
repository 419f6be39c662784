/**
 * A document's title as it is stored and looked up: each run of white space one space, none at
 * either end. Uploads, presigned upload requests and drop-folder events all name documents
 * through it, so a file's removal finds the document its creation made.
 *
 * @example
 * documentTitle('  release \t notes.md '); // 'release notes.md'
 */
export const documentTitle = (name: string): string => name.replace(/\s+/g, ' ').trim();
