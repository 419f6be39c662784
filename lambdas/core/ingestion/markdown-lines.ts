/**
 * Scanners that classify one line of Markdown. Each reads the line once, left to right or
 * right to left, without regular expressions, so that its time is linear in the line however
 * hostile the line is (the regular expressions they replace backtracked quadratically on a
 * heading followed by a long run of spaces).
 */

/** Longest line whose Markdown structure is read; a longer line is always paragraph text. */
export const MAX_STRUCTURE_LINE_CHARS = 4_096;

const SPACE = 0x20;
const TAB = 0x09;

const isSpaceOrTab = (code: number) => code === SPACE || code === TAB;

/** Where the marker of a block starts: after at most three spaces, or -1 for four or more. */
const markerStart = (line: string): number => {
  let index = 0;
  while (index < 3 && line.charCodeAt(index) === SPACE) index += 1;
  return line.charCodeAt(index) === SPACE ? -1 : index;
};

/** The end of the run of `char` that starts at `from`. */
const runEnd = (line: string, from: number, char: string): number => {
  let index = from;
  while (line[index] === char) index += 1;
  return index;
};

/** Whether the line holds only spaces and tabs from `from` on. */
const onlySpacesFrom = (line: string, from: number): boolean => {
  for (let index = from; index < line.length; index += 1) {
    if (!isSpaceOrTab(line.charCodeAt(index))) return false;
  }
  return true;
};

/**
 * The fence that a line opens or closes: three or more backticks or tildes after at most three
 * spaces.
 *
 * @example
 * fenceOpening('```python') // { char: '`', length: 3 }
 */
export const fenceOpening = (line: string): { char: string; length: number } | undefined => {
  const start = markerStart(line);
  const char = line[start];
  if (start < 0 || (char !== '`' && char !== '~')) return undefined;
  const length = runEnd(line, start, char) - start;
  return length >= 3 ? { char, length } : undefined;
};

/** Whether a word of a heading's attribute block is an attribute: `#id`, `.class` or `key=value`. */
const isAttribute = (word: string): boolean =>
  (word.length > 1 && (word[0] === '#' || word[0] === '.')) || word.indexOf('=') > 0;

/**
 * A heading title without its trailing attribute block (`Recap { #recap }` gives `Recap`), as
 * Python-Markdown's `attr_list` and Pandoc write it. A brace group that holds anything but
 * attributes (`Set {a, b}`) stays.
 *
 * @example
 * withoutAttributes('Recap { #recap .wide }') // 'Recap'
 */
export const withoutAttributes = (title: string): string => {
  if (!title.endsWith('}')) return title;
  const open = title.lastIndexOf('{');
  if (open < 0) return title;
  const words = title
    .slice(open + 1, -1)
    .split(/[ \t]+/)
    .filter((word) => word !== '');
  if (words.length === 0 || !words.every(isAttribute)) return title;
  return title.slice(0, open).trim();
};

/**
 * The level and title of an ATX heading (`## Title ##`): one to six `#` after at most three
 * spaces, then the end of the line or a space or tab; the closing run of `#` and an attribute
 * block are not part of the title.
 *
 * @example
 * atxHeading('## Recap ## { #recap }') // { level: 2, title: 'Recap' }
 * atxHeading('#hashtag') // undefined
 */
export const atxHeading = (line: string): { level: number; title: string } | undefined => {
  const start = markerStart(line);
  if (start < 0 || line[start] !== '#') return undefined;
  const hashesEnd = runEnd(line, start, '#');
  const level = hashesEnd - start;
  if (level > 6) return undefined;
  if (hashesEnd === line.length) return { level, title: '' };
  if (!isSpaceOrTab(line.charCodeAt(hashesEnd))) return undefined;
  // A title does not span the Unicode line and paragraph separators.
  if (line.includes('\u2028', hashesEnd) || line.includes('\u2029', hashesEnd)) return undefined;
  let from = hashesEnd;
  while (from < line.length && isSpaceOrTab(line.charCodeAt(from))) from += 1;
  let end = line.length;
  while (end > from && isSpaceOrTab(line.charCodeAt(end - 1))) end -= 1;
  let closing = end;
  while (closing > from && line[closing - 1] === '#') closing -= 1;
  if (closing < end && closing > from && isSpaceOrTab(line.charCodeAt(closing - 1))) {
    end = closing;
    while (end > from && isSpaceOrTab(line.charCodeAt(end - 1))) end -= 1;
  }
  return { level, title: withoutAttributes(line.slice(from, end).trim()) };
};

/**
 * The character of a setext heading underline (`===` for level 1, `---` for level 2): a run of
 * one of them after at most three spaces, then only spaces and tabs.
 */
export const setextUnderline = (line: string): '=' | '-' | undefined => {
  const start = markerStart(line);
  const char = line[start];
  if (start < 0 || (char !== '=' && char !== '-')) return undefined;
  return onlySpacesFrom(line, runEnd(line, start, char)) ? char : undefined;
};

/**
 * Whether a line is a thematic break: three or more of the same `-`, `*` or `_` after at most
 * three spaces, with only spaces and tabs between and after them.
 */
export const isThematicBreak = (line: string): boolean => {
  const start = markerStart(line);
  const char = line[start];
  if (start < 0 || (char !== '-' && char !== '*' && char !== '_')) return false;
  let count = 0;
  for (let index = start; index < line.length; index += 1) {
    if (line[index] === char) count += 1;
    else if (!isSpaceOrTab(line.charCodeAt(index))) return false;
  }
  return count >= 3;
};

/**
 * Whether a line is a documentation tool's include directive (`{* ../src/app.py hl[2] *}`, as
 * the FastAPI docs write them): a reference to a file, not text of the page.
 */
export const isIncludeDirective = (line: string): boolean => {
  const trimmed = line.trim();
  return trimmed.length >= 4 && trimmed.startsWith('{*') && trimmed.endsWith('*}');
};

/** Whether a word names an admonition or block type: `tip`, `note`, `tab`, `details`… */
const isBlockType = (word: string): boolean => {
  if (word === '') return false;
  for (let index = 0; index < word.length; index += 1) {
    const code = word.charCodeAt(index);
    const letter = (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
    if (!letter && !(index > 0 && code === 0x2d)) return false;
  }
  return true;
};

/**
 * For an admonition fence line of Python-Markdown's `blocks` extension (`/// tip`,
 * `/// note | Technical Details`, `//// tab | Python 3.10+`, or a closing `///`): its title,
 * or `''` when it has none. Undefined for any other line. The fence and the block type are
 * markup; the block's text, and a title the author wrote, are content.
 *
 * @example
 * admonitionTitle('/// note | Technical Details') // 'Technical Details'
 * admonitionTitle('////') // ''
 * admonitionTitle('// a comment') // undefined
 */
export const admonitionTitle = (line: string): string | undefined => {
  const start = markerStart(line);
  if (start < 0) return undefined;
  const slashesEnd = runEnd(line, start, '/');
  if (slashesEnd - start < 3) return undefined;
  const rest = line.slice(slashesEnd);
  if (rest.trim() === '') return '';
  if (!isSpaceOrTab(rest.charCodeAt(0))) return undefined;
  const bar = rest.indexOf('|');
  const type = (bar < 0 ? rest : rest.slice(0, bar)).trim();
  if (!isBlockType(type)) return undefined;
  return bar < 0 ? '' : rest.slice(bar + 1).trim();
};

/**
 * Whether a line is a link reference definition (`[docs]: https://example.com "Docs"`): where a
 * link points, not text of the page. It cannot interrupt a paragraph, so the caller asks only
 * for a line that starts one.
 *
 * @example
 * isLinkDefinition('[fastapi]: https://fastapi.tiangolo.com'); // true
 * isLinkDefinition('[not a link] here'); // false
 */
export const isLinkDefinition = (line: string): boolean =>
  /^ {0,3}\[(?:[^\]\\]|\\.){1,999}\]:[ \t]*\S/.test(line);

/**
 * Whether a line opens front matter (YAML's `---`, TOML's `+++`), as the first line of a
 * document; its closing line is the same marker (or `...` for YAML).
 */
export const frontMatterFence = (line: string): '---' | '+++' | undefined => {
  const trimmed = line.trimEnd();
  return trimmed === '---' || trimmed === '+++' ? trimmed : undefined;
};

/**
 * A line with its HTML comments (`<!-- … -->`) removed, and whether it leaves one open (a
 * comment whose `-->` is on a later line): a comment is markup, not text of the page.
 *
 * @example
 * withoutComments('Install <!-- TODO: pin --> it', false); // { text: 'Install  it', open: false }
 * withoutComments('<!-- draft', false); // { text: '', open: true }
 */
export const withoutComments = (line: string, open: boolean): { text: string; open: boolean } => {
  let text = '';
  let at = 0;
  let inside = open;
  while (at < line.length) {
    if (inside) {
      const end = line.indexOf('-->', at);
      if (end < 0) return { text, open: true };
      at = end + 3;
      inside = false;
    } else {
      const start = line.indexOf('<!--', at);
      if (start < 0) break;
      text += line.slice(at, start);
      at = start + 4;
      inside = true;
    }
  }
  if (!inside) text += line.slice(at);
  return { text, open: inside };
};
