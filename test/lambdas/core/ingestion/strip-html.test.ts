import { describe, expect, it } from 'vitest';
import { decodeEntities, stripHtml } from '../../../../lambdas/core/ingestion/strip-html.js';

describe('stripHtml', () => {
  it('removes markup and keeps the text', () => {
    expect(stripHtml('<p>Hello <b>bold</b> <a href="/x">link</a></p>')).toBe('Hello bold link');
  });

  it('removes scripts, styles, comments and the head with their content', () => {
    const html = `<html><head><title>T</title><style>p{color:red}</style></head>
      <body><!-- hidden --><script>alert("x")</script><p>Visible</p><noscript>no js</noscript></body></html>`;

    expect(stripHtml(html)).toBe('Visible');
  });

  it('turns block elements into paragraph breaks and line elements into line breaks', () => {
    const html =
      '<h1>Title</h1><p>First</p><div>Second</div><ul><li>one</li><li>two</li></ul>a<br>b';

    expect(stripHtml(html)).toBe('Title\n\nFirst\n\nSecond\n\none\ntwo\n\na\nb');
  });

  it('collapses source whitespace as a browser does', () => {
    expect(stripHtml('<p>  many\n   spaces\tand\nlines  </p>')).toBe('many spaces and lines');
  });

  it('keeps the whitespace of preformatted blocks', () => {
    const html = '<p>Code:</p><pre><code>def f():\n    return 1 &lt; 2</code></pre>';

    expect(stripHtml(html)).toBe('Code:\n\ndef f():\n    return 1 < 2');
  });

  it('decodes named, decimal and hexadecimal entities after removing tags', () => {
    expect(stripHtml('<p>Fish &amp; chips &#8211; &#x20AC;5 &lt;script&gt;</p>')).toBe(
      'Fish & chips – €5 <script>',
    );
  });

  it('writes headings as Markdown headings when asked', () => {
    const html = '<h1>Guide</h1><p>Intro</p><h2 id="x">Install <em>it</em></h2><p>Run</p>';

    expect(stripHtml(html, { markHeadings: true })).toBe(
      '# Guide\n\nIntro\n\n## Install it\n\nRun',
    );
  });

  it('leaves a stray less-than sign that starts no tag', () => {
    expect(stripHtml('<p>a < b and c > d</p>')).toBe('a < b and c > d');
  });

  it('separates table cells', () => {
    expect(stripHtml('<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>')).toBe(
      'a b\nc',
    );
  });
});

describe('decodeEntities', () => {
  it('leaves unknown entities and replaces invalid code points', () => {
    expect(decodeEntities('&unknown; &#xD800; &#0;')).toBe('&unknown; \uFFFD \uFFFD');
  });
});
