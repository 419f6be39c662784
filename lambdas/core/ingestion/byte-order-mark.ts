/** The UTF-8 encoding of U+FEFF, which editors (on Windows, mostly) write at the start of a file. */
const UTF8_BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf] as const;

/**
 * A text file's bytes without the UTF-8 byte order mark it may open with: the bytes of its
 * text, as the decoder reads it (`TextDecoder` drops a leading mark too). A view, not a copy.
 *
 * @example
 * withoutByteOrderMark(Buffer.from('\ufeffHello')); // the bytes of 'Hello'
 */
export const withoutByteOrderMark = (bytes: Uint8Array): Uint8Array =>
  UTF8_BYTE_ORDER_MARK.every((byte, index) => bytes[index] === byte) ? bytes.subarray(3) : bytes;
