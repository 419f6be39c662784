import { describe, expect, it } from 'vitest';
import { chunkText } from '../../../../lambdas/core/ingestion/chunk-text.js';
import { extractText, mayHoldText } from '../../../../lambdas/core/ingestion/extract-text.js';
import { htmlReferences } from '../../../support/readers.js';

describe('HTML text whose line starts with "#"', () => {
  it('is a paragraph, not a heading, so the page holds text', () => {
    const html = '<html><body><p># of retries: the client tries three times.</p></body></html>';

    expect(mayHoldText(Buffer.from(html), 'text/html', htmlReferences)).toBe(true);
  });

  it('keeps a text-only .html file whose first line is "# Title" as text', () => {
    expect(
      mayHoldText(
        Buffer.from('# Widget\n\nThe frobnicator widget handles sprockets.\n'),
        'text/html',
        htmlReferences,
      ),
    ).toBe(true);
  });

  it('keeps a shell comment of a <pre> block as code, under the heading before it', () => {
    const html =
      '<h1>Install</h1><p>Run this:</p><pre><code># create a venv\npython -m venv .venv</code></pre><p>Then go on.</p>';

    const chunks = chunkText(extractText(Buffer.from(html), 'text/html', htmlReferences), {
      maxTokens: 400,
      overlapTokens: 60,
    });

    expect(chunks.map((chunk) => chunk.headingPath)).toEqual([['Install']]);
    expect(chunks[0]?.text).toContain('# create a venv');
  });

  it('still reads the page headings as headings', () => {
    const html = '<h1>Install</h1><p>Run it.</p><h2>Upgrade</h2><p>Run it again.</p>';

    const chunks = chunkText(extractText(Buffer.from(html), 'text/html', htmlReferences), {
      maxTokens: 8,
      overlapTokens: 0,
    });

    expect(chunks.map((chunk) => chunk.headingPath)).toContainEqual(['Install', 'Upgrade']);
  });
});
