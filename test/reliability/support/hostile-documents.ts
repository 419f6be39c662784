/**
 * Pathological documents for the text-processing pipeline: each is built at any size from
 * patterns that made the former regular expressions backtrack (a heading followed by a long
 * run of spaces, `<a` repeated without `>`), that strain a line-based reader (lines of a
 * megabyte, deep nesting, headings on every line) or that only look like text (whitespace of
 * every kind, bidirectional overrides, random valid UTF-8).
 */

/** A document of one of the supported types. */
export interface HostileDocument {
  contentType: 'text/markdown' | 'text/plain' | 'text/html';
  text: string;
}

/** A named way to build a hostile document of about `chars` characters. */
export interface HostileInput {
  name: string;
  /** Whether the upload goes as JSON `{ title, text }` (Markdown) rather than as a file. */
  json?: boolean;
  build(chars: number): HostileDocument;
}

/** `unit` repeated to about `chars` characters, between an optional head and tail. */
const fill = (chars: number, unit: string, head = '', tail = ''): string =>
  head +
  unit.repeat(Math.max(1, Math.floor((chars - head.length - tail.length) / unit.length))) +
  tail;

const markdown = (text: string): HostileDocument => ({ contentType: 'text/markdown', text });
const html = (text: string): HostileDocument => ({ contentType: 'text/html', text });

/** Every kind of whitespace JavaScript's `\s` knows, NEL, and invisible characters. */
const WHITESPACE = [
  ' ',
  '\t',
  '\v',
  '\f',
  '\u00a0',
  '\u0085',
  '\u1680',
  ...Array.from({ length: 11 }, (_, index) => String.fromCharCode(0x2000 + index)),
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
  '\u200b',
  '\u180e',
];

/** Deterministic random code points (xorshift32), never NUL, never a surrogate: valid UTF-8. */
const randomText = (chars: number): string => {
  let state = 0x2545f491;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const codes: string[] = [];
  let length = 0;
  while (length < chars) {
    const roll = next() % 100;
    let code: number;
    if (roll < 50) code = 1 + (next() % 0x7f);
    else if (roll < 90) code = 0x80 + (next() % (0xd800 - 0x80));
    else if (roll < 95) code = 0xe000 + (next() % 0x2000);
    else code = 0x10000 + (next() % 0xfffff);
    const char = String.fromCodePoint(code);
    codes.push(char);
    length += char.length;
  }
  return codes.join('');
};

/** The hostile inputs, each buildable at any size. */
export const HOSTILE_INPUTS: HostileInput[] = [
  {
    name: 'ATX heading then a run of spaces (the review input, as JSON)',
    json: true,
    build: (chars) => markdown(fill(chars, ' ', '# a', 'x')),
  },
  { name: '<a repeated without > (the review input)', build: (chars) => html(fill(chars, '<a')) },
  {
    name: 'nested lists, ever deeper',
    build: (chars) => {
      const lines: string[] = [];
      let length = 0;
      for (let depth = 0; length < chars; depth = (depth + 1) % 2_000) {
        const line = `${'  '.repeat(depth)}- item ${depth}`;
        lines.push(line);
        length += line.length + 1;
      }
      return markdown(lines.join('\n'));
    },
  },
  {
    name: 'lines of 1 MB of words',
    build: (chars) => {
      const line = fill(Math.min(chars, 1_048_576), 'lorem ');
      return markdown(fill(chars, `${line}\n`));
    },
  },
  { name: 'deeply nested HTML', build: (chars) => html(fill(chars, '<div><span>', '', 'x')) },
  {
    name: 'a heading on every line, every level',
    build: (chars) => markdown(fill(chars, '# a\n## b\n### c\n#### d\n##### e\n###### f\n')),
  },
  {
    name: 'long runs of every whitespace kind',
    build: (chars) => {
      const run = Math.max(1, Math.floor(chars / WHITESPACE.length / 2));
      return markdown(
        WHITESPACE.map(
          (space, index) => `# ${index}${space.repeat(run)}x\n${space.repeat(run)}`,
        ).join('\n'),
      );
    },
  },
  {
    name: 'right-to-left overrides around every word',
    build: (chars) =>
      markdown(fill(chars, '\u202e word\u202c \u2067# \u2069', '# \u202e title\n\n')),
  },
  {
    name: 'random valid UTF-8 without NUL',
    build: (chars) => ({ contentType: 'text/plain', text: randomText(chars) }),
  },
  {
    name: 'fences never closed',
    build: (chars) => markdown(fill(chars, 'code # not a heading\n', '```\n')),
  },
  {
    name: 'fence openers of every kind',
    build: (chars) => markdown(fill(chars, '```\n~~~~\n`````` x\n')),
  },
  {
    name: '<pre never closed',
    build: (chars) => html(fill(chars, 'a <b>&amp; \n  ', '<p>t</p><pre>')),
  },
  {
    name: '<script never closed',
    build: (chars) => html(fill(chars, '</scrip <script x ', '<p>t</p><script>')),
  },
  { name: '&# runs', build: (chars) => html(fill(chars, '&#', '<p>', '1;')) },
  {
    name: 'entities without their semicolon',
    build: (chars) => html(fill(chars, '&#x1F600&amp&nbsp&#1234567 ')),
  },
  {
    name: 'setext underline runs',
    build: (chars) => markdown(fill(chars, '=', 'Title\n', ' x\n---\n')),
  },
  { name: 'thematic break then text', build: (chars) => markdown(fill(chars, '- ', '', 'x')) },
  { name: 'closing hashes then text', build: (chars) => markdown(fill(chars, ' #', '# a', 'x')) },
  { name: 'one word as long as the document', build: (chars) => markdown(fill(chars, 'a')) },
  { name: 'many one-letter paragraphs', build: (chars) => markdown(fill(chars, 'a\n\n')) },
  {
    name: 'hidden elements nested, never closed',
    build: (chars) => html(fill(chars, '<div hidden>x<span style="display:none">', '<p>t</p>')),
  },
  {
    name: 'hidden paragraphs, each closing the one before',
    build: (chars) => html(fill(chars, '<p hidden>x<li hidden>', '', '<p>t')),
  },
  {
    name: 'CDATA in MathML never closed',
    build: (chars) => html(fill(chars, '<![CDATA[ a > b <math>', '<p>t</p><math><mi>')),
  },
  { name: 'unclosed HTML comment', build: (chars) => html(fill(chars, '-- >', '<p>t</p><!--')) },
  {
    name: 'tag that never ends, full of spaces',
    build: (chars) => html(fill(chars, ' ', '<p>t</p><p class="', '')),
  },
  {
    name: 'admonitions and include directives on every line',
    build: (chars) => markdown(fill(chars, '/// note | Title\ntext\n///\n{* ./a.py hl[1] *}\n')),
  },
];
