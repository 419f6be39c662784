import { describe, expect, it } from 'vitest';
import {
  checkText,
  decodedSlices,
  decodePrefix,
  decodeText,
  utf8Slices,
} from '../../../../lambdas/core/ingestion/decode-text.js';

const utf16le = (text: string) => Buffer.from(`\ufeff${text}`, 'utf16le');
const utf16be = (text: string) => utf16le(text).swap16();
const utf32 = (text: string, byteOrder: 'LE' | 'BE') => {
  const points = [...`\ufeff${text}`].map((character) => character.codePointAt(0)!);
  const bytes = Buffer.alloc(points.length * 4);
  points.forEach((point, index) => {
    bytes[`writeUInt32${byteOrder}`](point, index * 4);
  });
  return bytes;
};

describe('decodedSlices', () => {
  it('keeps a UTF-16 character cut between two slices whole, in the later slice', () => {
    // The pair's high surrogate ends the first 256 KiB slice; its low one opens the next.
    const text = `${'a'.repeat(131_070)}😀b`;

    const slices = [...decodedSlices(utf16le(text))];

    expect(slices.join('')).toBe(text);
    expect(slices.every((slice) => slice.isWellFormed())).toBe(true);
  });

  it('decodes a large UTF-16 document in as many slices as it has 256 KiB of bytes', () => {
    const bytes = utf16le('a'.repeat(600_000));

    const slices = [...decodedSlices(bytes)];

    expect(slices.length).toBeGreaterThanOrEqual(Math.ceil(bytes.length / 262_144));
    expect(Math.max(...slices.map((slice) => slice.length))).toBeLessThanOrEqual(131_072);
  });

  it('refuses UTF-16 holding NUL as binary data', () => {
    expect(() => [...decodedSlices(utf16be('a\u0000b'))]).toThrow(
      expect.objectContaining({ status: 422, detail: 'The document holds binary data, not text' }),
    );
  });
});

describe('decodeText', () => {
  it('never decodes UTF-32 text as UTF-16', () => {
    expect(() => decodeText(utf32('😀', 'LE'))).toThrow(
      expect.objectContaining({ status: 422, detail: expect.stringContaining('UTF-32') }),
    );
  });

  it('decodes UTF-8 with or without its byte order mark, and UTF-16 in either byte order', () => {
    const decoded = [
      Buffer.from('café'),
      Buffer.from('\ufeffcafé'),
      utf16le('café'),
      utf16be('café'),
    ].map(decodeText);

    expect(decoded).toEqual(['café', 'café', 'café', 'café']);
  });

  it('refuses bytes that are not UTF-8 naming the encodings it reads', () => {
    expect(() => decodeText(Buffer.from([0xc3, 0x28]))).toThrow(
      expect.objectContaining({
        status: 422,
        detail: 'The document is not UTF-8 text (nor UTF-16 opening with a byte order mark)',
      }),
    );
  });
});

describe('checkText', () => {
  it('accepts UTF-16 text in either byte order', () => {
    expect(() => checkText(utf16le('Hello 😀'))).not.toThrow();
    expect(() => checkText(utf16be('Hello 😀'))).not.toThrow();
  });

  it('refuses UTF-16 that ends with half a surrogate pair', () => {
    const bytes = utf16le('Hello 😀').subarray(0, -2);

    expect(() => checkText(bytes)).toThrow(
      expect.objectContaining({ status: 422, detail: expect.stringContaining('surrogate') }),
    );
  });

  it.each([
    ['little-endian', 'LE'],
    ['big-endian', 'BE'],
  ] as const)(
    'refuses UTF-32 (%s), naming it, as neither UTF-16 nor binary data',
    (order, byteOrder) => {
      expect(() => checkText(utf32('😀😀', byteOrder))).toThrow(
        expect.objectContaining({
          status: 422,
          type: 'urn:problem:unreadable-document',
          detail: `The document opens with a UTF-32 (${order}) byte order mark: UTF-32 is not read; save it as UTF-8`,
        }),
      );
    },
  );

  it('refuses UTF-8 holding NUL as binary data', () => {
    expect(() => checkText(Buffer.from('a\u0000b'))).toThrow(
      expect.objectContaining({ status: 422, detail: 'The document holds binary data, not text' }),
    );
  });
});

describe('decodePrefix', () => {
  it('decodes the first bytes of UTF-16 without its mark, leaving out a character cut at the end', () => {
    expect(decodePrefix(utf16be('ab😀'), 8)).toBe('ab');
  });
});

describe('utf8Slices', () => {
  it('gives the UTF-8 bytes of a UTF-16 text, without its mark', () => {
    const bytes = Buffer.concat([...utf8Slices(utf16be('café 😀'))]);

    expect(bytes).toEqual(Buffer.from('café 😀'));
  });

  it('gives the bytes of a UTF-8 text less its byte order mark', () => {
    const bytes = Buffer.concat([...utf8Slices(Buffer.from('\ufeffcafé'))]);

    expect(bytes).toEqual(Buffer.from('café'));
  });
});
