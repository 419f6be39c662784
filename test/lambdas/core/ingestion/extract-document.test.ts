import { describe, expect, it } from 'vitest';
import type { ExtractionReaders } from '../../../../lambdas/core/ingestion/extract-document.js';
import {
  extractDocument,
  extractionProblem,
} from '../../../../lambdas/core/ingestion/extract-document.js';
import { makePdf } from '../../../support/pdf-fixture.js';
import { testReaders } from '../../../support/readers.js';

const pdf = (pages: string[][], options = {}) => makePdf(pages, options);

describe('extractDocument', () => {
  it('reads every page of a PDF, numbered from 1, blank pages kept in place', async () => {
    const bytes = pdf([['Intro to the guide'], [], ['Usage:   run   it']]);

    const result = await extractDocument(
      { bytes, contentType: 'application/pdf', fileName: 'guide.pdf' },
      testReaders,
    );

    expect(result).toMatchObject({
      ok: true,
      contentType: 'application/pdf',
      pages: [
        { page: 1, text: 'Intro to the guide' },
        { page: 2, text: '' },
        { page: 3, text: 'Usage: run it' },
      ],
    });
  });

  it('recognises a PDF sent as application/octet-stream by its file name', async () => {
    const result = await extractDocument(
      { bytes: pdf([['Hello']]), contentType: 'application/octet-stream', fileName: 'a.pdf' },
      testReaders,
    );

    expect(result).toMatchObject({ ok: true, contentType: 'application/pdf' });
  });

  it('gives two PDFs with the same text the same text hash, whatever their bytes', async () => {
    const pages = [['Same words'], ['on two pages']];
    const read = (bytes: Buffer) =>
      extractDocument({ bytes, contentType: 'application/pdf' }, testReaders);

    const first = await read(makePdf(pages, { producer: 'Writer 1' }));
    const resaved = await read(makePdf(pages, { producer: 'Writer 2' }));
    const joined = await read(makePdf([['Same words on two pages']]));

    if (!first.ok || !resaved.ok || !joined.ok) throw new Error('every file should be read');
    expect(resaved.textHash).toBe(first.textHash);
    expect(joined.textHash).not.toBe(first.textHash);
  });

  it('refuses an encrypted PDF, saying it needs a password', async () => {
    const result = await extractDocument(
      { bytes: pdf([['Secret']], { encrypted: true }), contentType: 'application/pdf' },
      testReaders,
    );

    expect(result).toEqual({
      ok: false,
      reason: 'encrypted',
      detail: expect.stringContaining('password'),
    });
  });

  it('refuses a PDF whose pages hold no text, suggesting OCR', async () => {
    const result = await extractDocument(
      { bytes: pdf([[], []]), contentType: 'application/pdf' },
      testReaders,
    );

    expect(result).toEqual({
      ok: false,
      reason: 'no-text',
      detail: expect.stringMatching(/2 pages have no text layer.*OCR/),
    });
  });

  it.each([
    ['a file without a PDF header', Buffer.from('just some words, not a PDF')],
    ['a PDF header over garbage', Buffer.from('%PDF-1.7\n\u0001\u0002 garbage without objects')],
    ['a truncated PDF', pdf([['Cut short'], ['here']]).subarray(0, 200)],
  ])('refuses %s as malformed', async (_, bytes) => {
    const result = await extractDocument({ bytes, contentType: 'application/pdf' }, testReaders);

    expect(result).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('checks a text document without reading it whole, hashing its bytes', async () => {
    const result = await extractDocument(
      { bytes: Buffer.from('# Guide\n\nHello'), contentType: 'text/markdown' },
      testReaders,
    );

    expect(result).toEqual({
      ok: true,
      contentType: 'text/markdown',
      textHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('gives a text document the same text hash with or without a UTF-8 byte order mark', async () => {
    const text = '# Guide\n\nHello';
    const read = (bytes: Buffer) =>
      extractDocument({ bytes, contentType: 'text/markdown' }, testReaders);

    const plain = await read(Buffer.from(text));
    const marked = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));

    expect(marked).toEqual(plain);
  });

  it.each([
    ['UTF-16 little-endian', (text: string) => Buffer.from(`\ufeff${text}`, 'utf16le')],
    ['UTF-16 big-endian', (text: string) => Buffer.from(`\ufeff${text}`, 'utf16le').swap16()],
  ])('gives a text document saved as %s the same text hash as in UTF-8', async (_, encode) => {
    const text = '# Guide\n\nHello, café 😀';
    const read = (bytes: Buffer) =>
      extractDocument({ bytes, contentType: 'text/markdown' }, testReaders);

    const utf8 = await read(Buffer.from(text));
    const utf16 = await read(encode(text));

    expect(utf16).toEqual(utf8);
  });

  it('answers empty for a UTF-16 byte order mark with nothing after it', async () => {
    const result = await extractDocument(
      { bytes: Buffer.from([0xfe, 0xff]), contentType: 'text/plain' },
      testReaders,
    );

    expect(result).toEqual({
      ok: false,
      reason: 'empty',
      detail: 'The document holds no text to index',
    });
  });

  it('answers unreadable, naming UTF-16, for a UTF-16 document with an unpaired surrogate', async () => {
    const bytes = Buffer.from('\ufeffHello \ud83d', 'utf16le');

    const result = await extractDocument({ bytes, contentType: 'text/markdown' }, testReaders);

    expect(result).toEqual({
      ok: false,
      reason: 'unreadable',
      detail: expect.stringMatching(/not UTF-16 text: it holds a surrogate without its pair/),
    });
  });

  it.each([
    ['little-endian', 'writeUInt32LE'],
    ['big-endian', 'writeUInt32BE'],
  ] as const)(
    'answers unreadable, naming UTF-32, for a UTF-32 (%s) document',
    async (order, write) => {
      const points = [...'\ufeff😀 Hello'].map((character) => character.codePointAt(0)!);
      const bytes = Buffer.alloc(points.length * 4);
      points.forEach((point, index) => {
        bytes[write](point, index * 4);
      });

      const result = await extractDocument({ bytes, contentType: 'text/html' }, testReaders);

      expect(result).toEqual({
        ok: false,
        reason: 'unreadable',
        detail: `The document opens with a UTF-32 (${order}) byte order mark: UTF-32 is not read; save it as UTF-8`,
      });
    },
  );

  it.each([
    ['empty', Buffer.from(' \n\u200b'), 'text/plain'],
    ['unreadable', Buffer.from([0x41, 0xc3, 0x28]), 'text/plain'],
    ['unsupported-type', Buffer.from('PK'), 'application/zip'],
  ])('answers %s for such a file', async (reason, bytes, contentType) => {
    const result = await extractDocument({ bytes, contentType }, testReaders);

    expect(result).toMatchObject({ ok: false, reason });
  });
});

describe('extractionProblem', () => {
  it('answers an unsupported type with a 415 and an unreadable PDF with a typed 422', () => {
    const unsupported = extractionProblem({ ok: false, reason: 'unsupported-type', detail: 'x' });
    const encrypted = extractionProblem({ ok: false, reason: 'encrypted', detail: 'y' });

    expect([unsupported.status, encrypted.status]).toEqual([415, 422]);
    expect(encrypted.type).toBe('urn:problem:pdf-encrypted');
  });
});

describe('extractDocument and the decoder of HTML character references', () => {
  /** The test readers, counting the loads of the decoder. */
  const countingReaders = () => {
    const counter = { loads: 0 };
    const readers: ExtractionReaders = {
      ...testReaders,
      htmlReferences: {
        load: () => {
          counter.loads += 1;
          return testReaders.htmlReferences.load();
        },
      },
    };
    return { readers, counter };
  };

  it('reads a Markdown or plain text upload without loading it', async () => {
    const { readers, counter } = countingReaders();

    await extractDocument(
      { bytes: Buffer.from('# Guide\n\nText.'), contentType: 'text/markdown' },
      readers,
    );
    await extractDocument({ bytes: Buffer.from('Text.'), contentType: 'text/plain' }, readers);

    expect(counter.loads).toBe(0);
  });

  it('loads it to read an HTML upload, whose references it decodes', async () => {
    const { readers, counter } = countingReaders();

    const result = await extractDocument(
      { bytes: Buffer.from('<p>&nbsp;&#x200B;</p>'), contentType: 'text/html' },
      readers,
    );

    expect(counter.loads).toBe(1);
    expect(result).toMatchObject({ ok: false, reason: 'empty' });
  });
});
