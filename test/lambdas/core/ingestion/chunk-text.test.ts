import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkText } from '../../../../lambdas/core/ingestion/chunk-text.js';
import { tokenWindows } from '../../../../lambdas/core/ingestion/token-window.js';
import { estimateTokens } from '../../../../lambdas/core/text/estimate-tokens.js';

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });
/** The user-perceived characters (grapheme clusters) a text shows. */
const graphemesOf = (text: string) =>
  new Set(Array.from(graphemes.segment(text), (part) => part.segment));

const words = (count: number, stem = 'word') =>
  Array.from({ length: count }, (_, index) => `${stem}${index}`).join(' ');

describe('chunkText', () => {
  describe('Markdown structure', () => {
    const guide = [
      '# Guide',
      '',
      'Welcome to the guide.',
      '',
      '## Install',
      '',
      'Run the installer.',
      '',
      'Then restart.',
      '',
      '### On Linux',
      '',
      'Use the package manager.',
      '',
      '## Usage',
      '',
      'Call the API.',
    ].join('\n');

    it('starts a new chunk at every heading and carries the heading path', () => {
      const chunks = chunkText(guide, { maxTokens: 200, overlapTokens: 20 });

      expect(chunks.map((chunk) => chunk.headingPath)).toEqual([
        ['Guide'],
        ['Guide', 'Install'],
        ['Guide', 'Install', 'On Linux'],
        ['Guide', 'Usage'],
      ]);
      expect(chunks[1]!.text).toBe('Guide › Install\n\nRun the installer.\n\nThen restart.');
      expect(chunks[3]!.text).toBe('Guide › Usage\n\nCall the API.');
    });

    it('numbers chunks from 0 without gaps', () => {
      const chunks = chunkText(guide, { maxTokens: 200, overlapTokens: 20 });

      expect(chunks.map((chunk) => chunk.index)).toEqual([0, 1, 2, 3]);
    });

    it('packs whole paragraphs of a section up to the size', () => {
      const section = ['## Notes', '', words(30, 'a'), '', words(30, 'b'), '', words(30, 'c')].join(
        '\n',
      );

      const chunks = chunkText(section, { maxTokens: 70, overlapTokens: 10 });

      expect(chunks.map((chunk) => chunk.text.split('\n\n').length - 1)).toEqual([2, 1]);
      expect(chunks[1]!.text).toBe(`Notes\n\n${words(30, 'c')}`);
    });

    it('reads setext headings and ignores # inside fenced code', () => {
      const text = [
        'Title',
        '=====',
        '',
        '```python',
        '# not a heading',
        'x = 1',
        '```',
        '',
        'Sub',
        '---',
        '',
        'Body',
      ].join('\n');

      const chunks = chunkText(text, { maxTokens: 200, overlapTokens: 20 });

      expect(chunks.map((chunk) => chunk.headingPath)).toEqual([['Title'], ['Title', 'Sub']]);
      expect(chunks[0]!.text).toBe('Title\n\n```python\n# not a heading\nx = 1\n```');
    });

    it('keeps a heading that has no text of its own in the path of its subsections only', () => {
      const chunks = chunkText('# A\n\n## B\n\nbody', { maxTokens: 100, overlapTokens: 10 });

      expect(chunks).toHaveLength(1);
      expect(chunks[0]!.text).toBe('A › B\n\nbody');
    });

    it('gives text before the first heading an empty path and no prefix', () => {
      const chunks = chunkText('Preface.\n\n# Part\n\nBody.', {
        maxTokens: 100,
        overlapTokens: 10,
      });

      expect(chunks[0]).toMatchObject({ text: 'Preface.', headingPath: [] });
    });
  });

  describe('window fallback', () => {
    it('cuts a paragraph longer than the size into overlapping windows', () => {
      const chunks = chunkText(words(300), { maxTokens: 100, overlapTokens: 20, format: 'plain' });

      expect(chunks.length).toBeGreaterThan(3);
      for (const [index, chunk] of chunks.entries()) {
        expect(chunk.tokens).toBeLessThanOrEqual(100);
        const next = chunks[index + 1];
        if (!next) continue;
        const tail = chunk.text.split(' ').slice(-3).join(' ');
        expect(next.text.startsWith(tail) || next.text.includes(tail)).toBe(true);
      }
    });

    it('repeats about overlapTokens tokens between consecutive windows', () => {
      const windows = tokenWindows(words(200, 'w'), 50, 10);

      for (let i = 0; i + 1 < windows.length; i += 1) {
        const current = windows[i]!.split(' ');
        const next = windows[i + 1]!.split(' ');
        const shared = current.filter((word) => next.includes(word));
        expect(estimateTokens(shared.join(' '))).toBeGreaterThan(0);
        expect(estimateTokens(shared.join(' '))).toBeLessThanOrEqual(10);
      }
    });

    it('keeps the heading path on every window of a long section', () => {
      const chunks = chunkText(`## Long\n\n${words(400)}`, { maxTokens: 100, overlapTokens: 10 });

      expect(chunks.length).toBeGreaterThan(1);
      for (const chunk of chunks) expect(chunk.text.startsWith('Long\n\n')).toBe(true);
    });

    it('cuts a single word longer than a window', () => {
      const chunks = chunkText('x'.repeat(2000), {
        maxTokens: 100,
        overlapTokens: 0,
        format: 'plain',
      });

      expect(chunks.map((chunk) => chunk.text).join('')).toBe('x'.repeat(2000));
      for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(100);
    });

    it('cuts Chinese text, which has no spaces, into chunks of at most maxTokens characters', () => {
      const text = '路径参数的值会作为参数传递给你的函数。'.repeat(50);

      const chunks = chunkText(text, { maxTokens: 100, overlapTokens: 0, format: 'plain' });

      expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
      for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(100);
    });

    it('never cuts an emoji (a surrogate pair) in two', () => {
      const text = '👍'.repeat(300);

      const chunks = chunkText(text, { maxTokens: 100, overlapTokens: 0, format: 'plain' });

      expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
      for (const chunk of chunks) expect(chunk.text).toMatch(/^(?:👍)+$/u);
    });

    it.each([
      ['a family emoji (a ZWJ sequence)', '👨‍👩‍👧‍👦'],
      ['flags (pairs of regional indicators)', '🇯🇵🇫🇷🇩🇪'],
      ['emoji with skin tones', '👍🏽👋🏿'],
      ['a subdivision flag (tag characters)', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
      ['keycaps', '1️⃣#️⃣'],
      ['letters with two combining accents', 'ệ'.normalize('NFD')],
      ['Hangul written in conjoining jamo', '\u1100\u1161\u11a8\u1102\u1165'],
      ['Devanagari conjuncts', 'क्षत्रियनिष्ठा'],
      ['Thai', 'ภาษาไทยไม่มีการเว้นวรรค'],
    ])('cuts a long run of %s between grapheme clusters only', (_, unit) => {
      const text = unit.repeat(400);
      const clusters = graphemesOf(text);

      const chunks = [
        [20, 0],
        [20, 6],
        [37, 10],
      ].flatMap(([maxTokens, overlapTokens]) =>
        chunkText(text, { maxTokens: maxTokens!, overlapTokens: overlapTokens!, format: 'plain' }),
      );

      for (const chunk of chunks) {
        expect(chunk.text.isWellFormed()).toBe(true);
        const split = [...graphemesOf(chunk.text)].filter((cluster) => !clusters.has(cluster));
        expect(split, JSON.stringify(chunk.text)).toEqual([]);
      }
    });

    it('keeps whole the clusters of any run without spaces, overlapping or not (property)', () => {
      const cluster = fc.constantFrom(
        'a',
        '7',
        '/',
        'é',
        'e\u0301',
        '路',
        'ไม่',
        'क्ष',
        '👍🏽',
        '👨‍👩‍👧',
        '🇫🇷',
        '1️⃣',
        '\u1100\u1161\u11a8',
      );
      const run = fc
        .array(cluster, { minLength: 1, maxLength: 400 })
        .map((parts) => parts.join(''));

      fc.assert(
        fc.property(
          run,
          fc.integer({ min: 16, max: 120 }),
          fc.boolean(),
          (text, maxTokens, overlap) => {
            const clusters = graphemesOf(text);
            const overlapTokens = overlap ? Math.floor(maxTokens / 5) : 0;
            for (const chunk of chunkText(text, { maxTokens, overlapTokens, format: 'plain' })) {
              expect(chunk.tokens).toBeLessThanOrEqual(maxTokens);
              expect(chunk.text.isWellFormed()).toBe(true);
              for (const part of graphemesOf(chunk.text)) expect(clusters).toContain(part);
            }
          },
        ),
        { numRuns: 300 },
      );
    });

    it('keeps a mark written on a space with its space at a window start', () => {
      const text = 'the acute accent \u0301 and the grave \u0300 shown alone, '.repeat(60);
      const clusters = graphemesOf(text);

      const chunks = chunkText(text, { maxTokens: 30, overlapTokens: 6, format: 'plain' });

      for (const chunk of chunks) {
        const split = [...graphemesOf(chunk.text)].filter((cluster) => !clusters.has(cluster));
        expect(split, JSON.stringify(chunk.text)).toEqual([]);
      }
    });

    it('cuts a cluster no chunk can hold between code points, within the size', () => {
      const text = `a${'\u0301'.repeat(600)}`;

      const chunks = chunkText(text, { maxTokens: 100, overlapTokens: 0, format: 'plain' });

      expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
      for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(100);
    });

    it('treats # as text in plain format', () => {
      const chunks = chunkText('# not a heading\n\nbody', {
        maxTokens: 100,
        overlapTokens: 0,
        format: 'plain',
      });

      expect(chunks[0]).toMatchObject({ text: '# not a heading\n\nbody', headingPath: [] });
    });
  });

  it('leaves documentation-tool markup out of chunks and keeps admonition text', () => {
    const text = [
      '## Recap { #recap }',
      '',
      '{* ../../docs_src/python_types/tutorial001_py310.py hl[2] *}',
      '',
      '/// tip | Remember',
      'Types help your editor.',
      '///',
    ].join('\n');

    const chunks = chunkText(text, { maxTokens: 400, overlapTokens: 60 });

    expect(chunks.map((chunk) => chunk.text)).toEqual([
      'Recap\n\nRemember\n\nTypes help your editor.',
    ]);
  });

  it('is deterministic', () => {
    const text = `# A\n\n${words(500)}\n\n## B\n\n${words(50, 'b')}`;

    expect(chunkText(text, { maxTokens: 120, overlapTokens: 30 })).toEqual(
      chunkText(text, { maxTokens: 120, overlapTokens: 30 }),
    );
  });

  it('gives no chunk for an empty or blank text', () => {
    expect(chunkText(' \n\n \t', { maxTokens: 100, overlapTokens: 10 })).toEqual([]);
  });

  it('refuses an overlap of half the size or more', () => {
    expect(() => chunkText('x', { maxTokens: 100, overlapTokens: 50 })).toThrow(RangeError);
  });

  it('never exceeds the size and loses no word of a paragraph (property)', () => {
    const word = fc.stringMatching(/^[a-z]{1,30}$/);
    const paragraph = fc
      .array(word, { minLength: 1, maxLength: 200 })
      .map((ws) => ({ kind: 'paragraph' as const, text: ws.join(' ') }));
    const heading = fc
      .tuple(fc.integer({ min: 1, max: 4 }), word)
      .map(([level, w]) => ({ kind: 'heading' as const, text: `${'#'.repeat(level)} ${w}` }));
    const blocks = fc.array(fc.oneof(paragraph, heading), { maxLength: 12 });

    fc.assert(
      fc.property(blocks, fc.integer({ min: 16, max: 200 }), (document, maxTokens) => {
        const text = document.map((block) => block.text).join('\n\n');
        const chunks = chunkText(text, { maxTokens, overlapTokens: Math.floor(maxTokens / 5) });
        const output = chunks.map((chunk) => chunk.text).join(' ');
        for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(maxTokens);
        for (const block of document.filter((b) => b.kind === 'paragraph')) {
          for (const paragraphWord of block.text.split(' ')) {
            expect(output).toContain(paragraphWord);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
