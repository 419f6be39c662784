import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitSections } from '../../../../lambdas/core/ingestion/text-sections.js';
import { referenceSplitSections } from './support/regex-reference.js';

/** Lines of ordinary Markdown: headings, setext underlines, fences, breaks, lists, prose. */
const markdownLine = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 1, max: 7 }),
      fc.constantFrom('', ' ', '  '),
      fc.constantFrom('Intro', 'Path parameters', 'C#', 'a b', ''),
      fc.constantFrom('', ' #', ' ##  ', '#', '\t'),
    )
    .map(([level, space, title, closing]) => `${'#'.repeat(level)}${space}${title}${closing}`),
  fc.constantFrom('===', '---', '  ===  ', '- - -', '***', '___', '```', '~~~', '````python'),
  fc.constantFrom('', ' ', '\t', '    indented code', '- item', '  1. item', '> quote # not'),
  fc.constantFrom('Some prose.', 'Declare it with `Path`.', 'a # b', 'x  ', 'Title'),
);
const markdownText = fc.array(markdownLine, { maxLength: 40 }).map((lines) => lines.join('\n'));

describe('splitSections', () => {
  it('reads ordinary Markdown as the former regular expressions did (property)', () => {
    fc.assert(
      fc.property(
        markdownText,
        fc.constantFrom('markdown', 'html', 'plain') as fc.Arbitrary<'markdown' | 'html' | 'plain'>,
        (text, format) => {
          // The former expressions knew no front matter: a Markdown file whose first line is
          // `---` now opens it (a page stripped of its HTML has none).
          fc.pre(format !== 'markdown' || !/^(---|\+\+\+)[ \t]*(\n|$)/.test(text));
          expect(splitSections(text, format)).toEqual(
            referenceSplitSections(text, format === 'plain' ? 'plain' : 'markdown'),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads the review input, a heading then 120 000 spaces, as paragraph text', () => {
    const line = `# a${' '.repeat(120_000)}x`;

    const sections = splitSections(`${line}\n\nbody`, 'markdown');

    expect(sections.map((section) => section.headingPath)).toEqual([[]]);
    expect(sections[0]!.paragraphs[0] === line).toBe(true);
    expect(sections[0]!.paragraphs[1]).toBe('body');
  });

  it('reads a heading with a run of spaces within the line limit as a heading', () => {
    const title = `a${' '.repeat(4_000)}x`;

    expect(splitSections(`# ${title}\n\nbody`, 'markdown')).toEqual([
      { headingPath: [title], paragraphs: ['body'] },
    ]);
  });

  it('trims a paragraph that ends in a long run of whitespace', () => {
    const text = `para${' \t'.repeat(100_000)}\nmore${' '.repeat(100_000)}`;

    const [section] = splitSections(text, 'plain');

    expect(section!.paragraphs.length).toBe(1);
    expect(section!.paragraphs[0] === `para${' \t'.repeat(100_000)}\nmore`).toBe(true);
  });

  it('reads a line longer than the structure limit as text, not as a heading', () => {
    const line = `# ${'word '.repeat(2_000)}`;

    const [section] = splitSections(line, 'markdown');

    expect(section!.headingPath).toEqual([]);
    expect(section!.paragraphs[0] === line.trimEnd()).toBe(true);
  });

  it('leaves heading attributes out of the heading path', () => {
    const text = '# Python Types Intro { #python-types-intro }\n\n## Recap { #recap }\n\nDone.';

    expect(splitSections(text, 'markdown')).toEqual([
      { headingPath: ['Python Types Intro', 'Recap'], paragraphs: ['Done.'] },
    ]);
  });

  it('leaves include directives out of the text', () => {
    const text = 'Before.\n{* ../../docs_src/python_types/tutorial001_py310.py hl[2] *}\nAfter.';

    expect(splitSections(text, 'markdown')).toEqual([
      { headingPath: [], paragraphs: ['Before.', 'After.'] },
    ]);
  });

  it('keeps the text and title of an admonition, not its fence lines', () => {
    const text = [
      '/// note | Technical Details',
      '',
      'Starlette does the work.',
      '',
      '///',
      '',
      '/// tip',
      'Use `Annotated`.',
      '///',
      '',
      '//// tab | Python 3.10+',
      '```python',
      '/// not a fence inside code',
      '```',
      '////',
    ].join('\n');

    expect(splitSections(text, 'markdown')).toEqual([
      {
        headingPath: [],
        paragraphs: [
          'Technical Details',
          'Starlette does the work.',
          'Use `Annotated`.',
          'Python 3.10+',
          '```python\n/// not a fence inside code\n```',
        ],
      },
    ]);
  });

  it('reads lines of only invisible characters as blank', () => {
    const text = 'one\n\u200b\u202e\u0085\ntwo';

    expect(splitSections(text, 'plain')).toEqual([{ headingPath: [], paragraphs: ['one', 'two'] }]);
  });
});
