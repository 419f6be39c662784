import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntities, stripHtml } from '../../../../lambdas/core/ingestion/strip-html.js';
import { htmlReferences } from '../../../support/readers.js';
import { referenceStripHtml } from './support/regex-reference.js';

/** Text of an ordinary page: words, source whitespace, entities and stray signs. */
const htmlText = fc.constantFrom(
  'Hello',
  ' world ',
  '\n  indented\t',
  '&amp;',
  '&nbsp;',
  '&#8211;',
  '&#x20AC;',
  '&lt;b&gt;',
  'a < b',
  'c > d',
  '&unknown;',
  '',
);

/** Ordinary, well-nested HTML: elements of every kind the stripper knows, comments, a doctype. */
const htmlNode: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    htmlText,
    fc.constantFrom(
      '<br>',
      '<br/>',
      '<br />',
      '<hr>',
      '<img src="x.png" alt="x">',
      '<!-- note -->',
    ),
    fc
      .tuple(
        fc.constantFrom(
          'p',
          'div',
          'span',
          'b',
          'a href="/x"',
          'h1',
          'h2 id="t"',
          'h6',
          'li',
          'ul',
          'table',
          'tr',
          'td',
          'th',
          'code',
          'section class="s"',
          'DIV',
        ),
        fc.array(tie('node'), { maxLength: 4 }),
      )
      .map(([open, children]) => {
        const name = open.split(' ')[0]!;
        return `<${open}>${children.join('')}</${name}>`;
      }),
    fc
      .tuple(
        fc.constantFrom('script', 'style', 'noscript', 'svg'),
        fc.constantFrom('x()', 'p{}', 'a < b', ''),
      )
      .map(([name, content]) => `<${name} type="t">${content}</${name}>`),
  ),
})).node;
const htmlPage = fc
  .tuple(fc.boolean(), fc.array(htmlNode, { maxLength: 6 }))
  .map(([doctype, nodes]) => `${doctype ? '<!DOCTYPE html>' : ''}${nodes.join('')}`);

describe('stripHtml', () => {
  it('removes markup and keeps the text', () => {
    expect(stripHtml('<p>Hello <b>bold</b> <a href="/x">link</a></p>', htmlReferences)).toBe(
      'Hello bold link',
    );
  });

  it('removes scripts, styles, comments and the head with their content', () => {
    const html = `<html><head><title>T</title><style>p{color:red}</style></head>
      <body><!-- hidden --><script>alert("x")</script><p>Visible</p><noscript>no js</noscript></body></html>`;

    expect(stripHtml(html, htmlReferences)).toBe('Visible');
  });

  it('turns block elements into paragraph breaks and line elements into line breaks', () => {
    const html =
      '<h1>Title</h1><p>First</p><div>Second</div><ul><li>one</li><li>two</li></ul>a<br>b';

    expect(stripHtml(html, htmlReferences)).toBe('Title\n\nFirst\n\nSecond\n\none\ntwo\n\na\nb');
  });

  it('collapses source whitespace as a browser does', () => {
    expect(stripHtml('<p>  many\n   spaces\tand\nlines  </p>', htmlReferences)).toBe(
      'many spaces and lines',
    );
  });

  it('keeps the whitespace of preformatted blocks', () => {
    const html = '<p>Code:</p><pre><code>def f():\n    return 1 &lt; 2</code></pre>';

    expect(stripHtml(html, htmlReferences)).toBe('Code:\n\ndef f():\n    return 1 < 2');
  });

  it('decodes named, decimal and hexadecimal entities after removing tags', () => {
    expect(
      stripHtml('<p>Fish &amp; chips &#8211; &#x20AC;5 &lt;script&gt;</p>', htmlReferences),
    ).toBe('Fish & chips – €5 <script>');
  });

  it('writes headings as Markdown headings when asked', () => {
    const html = '<h1>Guide</h1><p>Intro</p><h2 id="x">Install <em>it</em></h2><p>Run</p>';

    expect(stripHtml(html, htmlReferences, { markHeadings: true })).toBe(
      '# Guide\n\nIntro\n\n## Install it\n\nRun',
    );
  });

  it('leaves a stray less-than sign that starts no tag', () => {
    expect(stripHtml('<p>a < b and c > d</p>', htmlReferences)).toBe('a < b and c > d');
  });

  it('separates table cells', () => {
    expect(
      stripHtml('<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>', htmlReferences),
    ).toBe('a b\nc');
  });
});

describe('stripHtml on hostile input', () => {
  it('reads ordinary HTML as the former regular expressions did (property)', () => {
    fc.assert(
      fc.property(htmlPage, fc.boolean(), (html, markHeadings) => {
        expect(stripHtml(html, htmlReferences, { markHeadings })).toBe(
          referenceStripHtml(html, { markHeadings }),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('keeps 200 KB of "<a" without ">" as text (the review input)', () => {
    const html = '<a'.repeat(100_000);

    expect(stripHtml(html, htmlReferences) === html).toBe(true);
  });

  it('removes an unclosed script, style or comment to the end', () => {
    expect(
      stripHtml(`<p>kept</p><script>${'</scrip <script '.repeat(10_000)}`, htmlReferences),
    ).toBe('kept');
    expect(stripHtml(`<p>kept</p><style>${'x'.repeat(10_000)}`, htmlReferences)).toBe('kept');
    expect(stripHtml(`<p>kept</p><!--${'-- >'.repeat(10_000)}`, htmlReferences)).toBe('kept');
  });

  it('keeps an unclosed pre to the end, with its whitespace', () => {
    expect(stripHtml(`<p>t</p><pre>a  <b>b</b>\n${'c '.repeat(3)}`, htmlReferences)).toBe(
      't\n\na  b\nc c c',
    );
  });

  it('keeps a pre block a paragraph of its own even when inline text touches it', () => {
    expect(stripHtml('Code:<pre>x = 1</pre>Done', htmlReferences)).toBe('Code:\n\nx = 1\n\nDone');
  });

  it('drops deeply nested elements and keeps their text', () => {
    expect(stripHtml(`${'<div><span>'.repeat(50_000)}deep`, htmlReferences)).toBe('deep');
  });

  it('leaves a tag that never ends, and a run of "&#", as text', () => {
    expect(stripHtml('<p>t</p><p class="   ', htmlReferences)).toBe('t\n\n<p class="');
    expect(
      stripHtml(`<p>${'&#'.repeat(50_000)}1;</p>`, htmlReferences) ===
        `${'&#'.repeat(49_999)}\u0001`,
    ).toBe(true);
  });
});

describe('stripHtml and its pre-block placeholder (U+E000)', () => {
  it('drops a reference to the placeholder instead of pasting a pre block in its place', () => {
    const text = stripHtml(
      '<pre>npm install secret-tool</pre><p>See &#xE000;0&#xE000; above.</p>',
      htmlReferences,
    );

    expect(text).toBe('npm install secret-tool\n\nSee 0 above.');
  });

  it('never writes "undefined" for a reference to a block that does not exist', () => {
    const text = stripHtml('<pre>x = 1</pre><p>Total: &#57344;7&#57344; items</p>', htmlReferences);

    expect(text).toBe('x = 1\n\nTotal: 7 items');
  });
});

describe('decodeEntities', () => {
  it.each([
    ['Caf&eacute; cr&egrave;me', 'Café crème'],
    ['&Uuml;ber die Stra&szlig;e', 'Über die Straße'],
    ['&alpha; &beta; &pi; &Omega;', 'α β π Ω'],
  ])('decodes every named reference of the HTML standard: %s', (html, text) => {
    expect(decodeEntities(html, htmlReferences)).toBe(text);
  });

  it('reads the numeric references 128–159 as the Windows-1252 characters browsers show', () => {
    expect(decodeEntities('2019&#150;2020 &#147;quoted&#148; it&#146;s', htmlReferences)).toBe(
      '2019–2020 “quoted” it’s',
    );
  });

  it('keeps a zero-width non-joiner, which Persian spelling needs, and drops a soft hyphen', () => {
    expect(decodeEntities('می&zwnj;خواهم hy&shy;phen', htmlReferences)).toBe(
      'می\u200cخواهم hyphen',
    );
  });

  it('leaves unknown entities and replaces invalid code points', () => {
    expect(decodeEntities('&unknown; &#xD800; &#0;', htmlReferences)).toBe(
      '&unknown; \uFFFD \uFFFD',
    );
  });
});
