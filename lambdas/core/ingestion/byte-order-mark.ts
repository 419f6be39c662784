/** The UTF-8 encoding of U+FEFF, which editors (on Windows, mostly) write at the start of a file. */
const UTF8_BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf] as const;

/** U+FEFF in UTF-16 little-endian, as Notepad's "Unicode" and Windows PowerShell 5 write it. */
const UTF16LE_BYTE_ORDER_MARK = [0xff, 0xfe] as const;

/** U+FEFF in UTF-16 big-endian. */
const UTF16BE_BYTE_ORDER_MARK = [0xfe, 0xff] as const;

/**
 * U+FEFF in UTF-32, little- and big-endian. The little-endian mark opens with the UTF-16
 * little-endian one: a UTF-32 file is told apart by its first four bytes.
 */
const UTF32_BYTE_ORDER_MARKS = [
  ['little-endian', [0xff, 0xfe, 0x00, 0x00]],
  ['big-endian', [0x00, 0x00, 0xfe, 0xff]],
] as const;

/** The byte order of a UTF-32 byte order mark. */
export type Utf32ByteOrder = (typeof UTF32_BYTE_ORDER_MARKS)[number][0];

/** The encodings a text document is read in (see {@link textEncodingOf}). */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

const opensWith = (bytes: Uint8Array, mark: readonly number[]): boolean =>
  mark.every((byte, index) => bytes[index] === byte);

/**
 * The encoding a text file is read in: UTF-16, little- or big-endian, when it opens with that
 * encoding's byte order mark (FF FE or FE FF: bytes no UTF-8 text holds, so the mark is
 * unambiguous), and UTF-8 otherwise, with or without its own mark. No other encoding is ever
 * guessed, and nothing the file declares inside (an HTML `<meta charset>`) is read.
 *
 * @example
 * textEncodingOf(Buffer.from('\ufeffHi', 'utf16le')); // 'utf-16le'
 * textEncodingOf(Buffer.from('Hi')); // 'utf-8'
 */
export const textEncodingOf = (bytes: Uint8Array): TextEncoding =>
  opensWith(bytes, UTF16LE_BYTE_ORDER_MARK)
    ? 'utf-16le'
    : opensWith(bytes, UTF16BE_BYTE_ORDER_MARK)
      ? 'utf-16be'
      : 'utf-8';

/**
 * A UTF-8 text file's bytes without the byte order mark it may open with: the bytes of its
 * text, as the decoder reads it (`TextDecoder` drops a leading mark too). A view, not a copy.
 *
 * @example
 * withoutByteOrderMark(Buffer.from('\ufeffHello')); // the bytes of 'Hello'
 */
export const withoutByteOrderMark = (bytes: Uint8Array): Uint8Array =>
  opensWith(bytes, UTF8_BYTE_ORDER_MARK) ? bytes.subarray(3) : bytes;

/**
 * The byte order of the UTF-32 byte order mark a file opens with (FF FE 00 00 or 00 00 FE FF),
 * or undefined. UTF-32 is not read (WHATWG's Encoding standard, and so `TextDecoder`, has no
 * UTF-32): a file it opens is refused, never read as the UTF-16 or UTF-8 it is not. (A UTF-16
 * little-endian file opening with U+0000 has these bytes too; NUL is not text either.)
 *
 * @example
 * utf32ByteOrderOf(Uint8Array.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0])); // 'little-endian'
 * utf32ByteOrderOf(Buffer.from('\ufeffHi', 'utf16le')); // undefined
 */
export const utf32ByteOrderOf = (bytes: Uint8Array): Utf32ByteOrder | undefined =>
  UTF32_BYTE_ORDER_MARKS.find(([, mark]) => opensWith(bytes, mark))?.[0];
