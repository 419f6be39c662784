import { describe, expect, it } from 'vitest';
import {
  resolveContentType,
  textFormatOf,
} from '../../../../lambdas/core/ingestion/content-types.js';
import { extractText } from '../../../../lambdas/core/ingestion/extract-text.js';
import { htmlReferences } from '../../../support/readers.js';

describe('resolveContentType', () => {
  it.each([
    ['text/markdown; charset=utf-8', 'a.txt', 'text/markdown'],
    ['TEXT/PLAIN', undefined, 'text/plain'],
    ['text/x-markdown', 'a', 'text/markdown'],
    ['application/octet-stream', 'guide.MD', 'text/markdown'],
    ['', 'page.htm', 'text/html'],
    [undefined, 'notes.txt', 'text/plain'],
    ['application/pdf', 'a.txt', 'application/pdf'],
    ['application/octet-stream', 'Guide.PDF', 'application/pdf'],
  ])('reads %j with file name %j as %s', (mediaType, fileName, expected) => {
    expect(resolveContentType(mediaType, fileName)).toBe(expected);
  });

  it.each([
    ['application/msword', 'a.doc'],
    ['image/png', 'a.md'],
    ['application/octet-stream', 'archive.zip'],
    ['application/octet-stream', undefined],
  ])('refuses %j with file name %j', (mediaType, fileName) => {
    expect(resolveContentType(mediaType, fileName)).toBeUndefined();
  });
});

describe('textFormatOf', () => {
  it('reads plain text as paragraphs only, Markdown as Markdown, and a page by its headings', () => {
    expect(textFormatOf('text/plain')).toBe('plain');
    expect(textFormatOf('text/markdown')).toBe('markdown');
    expect(textFormatOf('text/html')).toBe('html');
  });
});

describe('extractText', () => {
  it('decodes UTF-8 and drops a byte order mark', () => {
    expect(extractText(Buffer.from('\uFEFFcafé', 'utf8'), 'text/plain')).toBe('café');
  });

  it('strips HTML, keeping headings as Markdown', () => {
    expect(extractText(Buffer.from('<h2>Hi</h2><p>there</p>'), 'text/html', htmlReferences)).toBe(
      '## Hi\n\nthere',
    );
  });

  it('decodes UTF-16 little-endian opening with its byte order mark, dropping the mark', () => {
    const bytes = Buffer.from('\uFEFFcafé 😀', 'utf16le');

    expect(extractText(bytes, 'text/plain')).toBe('café 😀');
  });

  it('decodes UTF-16 big-endian opening with its byte order mark, dropping the mark', () => {
    const bytes = Buffer.from('\uFEFFcafé 😀', 'utf16le').swap16();

    expect(extractText(bytes, 'text/plain')).toBe('café 😀');
  });

  it('reads a UTF-16 byte order mark with nothing after it as empty text', () => {
    expect(extractText(Buffer.from([0xff, 0xfe]), 'text/plain')).toBe('');
  });

  it('strips HTML saved as UTF-16 whatever its meta charset says', () => {
    const html = '\uFEFF<meta charset="utf-8"><h2>Hi</h2><p>there</p>';

    expect(extractText(Buffer.from(html, 'utf16le'), 'text/html', htmlReferences)).toBe(
      '## Hi\n\nthere',
    );
  });

  it('refuses UTF-16 of an odd number of bytes with a 422 saying so', () => {
    const bytes = Buffer.concat([Buffer.from('\uFEFFHi', 'utf16le'), Buffer.from([0x21])]);

    expect(() => extractText(bytes, 'text/plain')).toThrow(
      expect.objectContaining({
        status: 422,
        type: 'urn:problem:unreadable-document',
        detail: expect.stringMatching(/UTF-16 \(little-endian\).*odd number of bytes/),
      }),
    );
  });

  it('refuses UTF-16 holding a surrogate without its pair with a 422 saying so', () => {
    const bytes = Buffer.from('\uFEFFa\uD83Db', 'utf16le').swap16();

    expect(() => extractText(bytes, 'text/plain')).toThrow(
      expect.objectContaining({
        status: 422,
        type: 'urn:problem:unreadable-document',
        detail: expect.stringMatching(/UTF-16 \(big-endian\).*surrogate without its pair/),
      }),
    );
  });

  it('reads bytes without a byte order mark as UTF-8 only, refusing UTF-16 without one', () => {
    const bytes = Buffer.from('Hi', 'utf16le');

    expect(() => extractText(bytes, 'text/plain')).toThrow(
      expect.objectContaining({ status: 422 }),
    );
  });

  it('refuses bytes that are not UTF-8 text with a 422', () => {
    expect(() => extractText(Buffer.from([0xc3, 0x28]), 'text/plain')).toThrow(
      expect.objectContaining({ status: 422 }),
    );
    expect(() => extractText(Buffer.from('a\u0000b'), 'text/plain')).toThrow(
      expect.objectContaining({ status: 422 }),
    );
  });
});
