import { describe, expect, it } from 'vitest';
import {
  textEncodingOf,
  utf32ByteOrderOf,
  withoutByteOrderMark,
} from '../../../../lambdas/core/ingestion/byte-order-mark.js';

describe('withoutByteOrderMark', () => {
  it('drops the UTF-8 byte order mark a file opens with', () => {
    const bytes = Buffer.from('\ufeffHello');

    expect(Buffer.from(withoutByteOrderMark(bytes)).toString('utf8')).toBe('Hello');
  });

  it('keeps a byte order mark past the start, which is text', () => {
    const bytes = Buffer.from('\ufeff\ufeffHello');

    expect(Buffer.from(withoutByteOrderMark(bytes)).toString('utf8')).toBe('\ufeffHello');
  });

  it('returns bytes without a mark as they are, even shorter than one', () => {
    const bytes = Buffer.from([0xef, 0xbb]);

    expect(withoutByteOrderMark(bytes)).toBe(bytes);
  });
});

describe('textEncodingOf', () => {
  it.each([
    ['FF FE as UTF-16 little-endian', [0xff, 0xfe, 0x41, 0x00], 'utf-16le'],
    ['FE FF as UTF-16 big-endian', [0xfe, 0xff, 0x00, 0x41], 'utf-16be'],
    ['a mark alone as the encoding it names', [0xff, 0xfe], 'utf-16le'],
    ['the UTF-8 mark as UTF-8', [0xef, 0xbb, 0xbf, 0x41], 'utf-8'],
    ['bytes without a mark as UTF-8, whatever they hold', [0x41, 0x00, 0x42, 0x00], 'utf-8'],
    ['a mark past the start as UTF-8', [0x41, 0xff, 0xfe], 'utf-8'],
    ['half a mark as UTF-8', [0xff], 'utf-8'],
  ])('reads %s', (_, bytes, encoding) => {
    expect(textEncodingOf(Uint8Array.from(bytes))).toBe(encoding);
  });
});

describe('utf32ByteOrderOf', () => {
  it.each([
    [
      'FF FE 00 00 as little-endian',
      [0xff, 0xfe, 0x00, 0x00, 0x41, 0x00, 0x00, 0x00],
      'little-endian',
    ],
    ['00 00 FE FF as big-endian', [0x00, 0x00, 0xfe, 0xff, 0x00, 0x00, 0x00, 0x41], 'big-endian'],
    ['the UTF-16 little-endian mark as no UTF-32 mark', [0xff, 0xfe, 0x41, 0x00], undefined],
    ['UTF-8 as no UTF-32 mark', [0x41, 0x42, 0x43, 0x44], undefined],
    ['a mark cut short as no UTF-32 mark', [0xff, 0xfe, 0x00], undefined],
  ])('reads %s', (_, bytes, byteOrder) => {
    expect(utf32ByteOrderOf(Uint8Array.from(bytes))).toBe(byteOrder);
  });
});
