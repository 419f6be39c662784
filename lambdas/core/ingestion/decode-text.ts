import { isUtf8 } from 'node:buffer';
import { HttpProblem } from '../problem.js';
import {
  type TextEncoding,
  textEncodingOf,
  utf32ByteOrderOf,
  withoutByteOrderMark,
} from './byte-order-mark.js';

/** Bytes decoded at a time, so that a large document is read in short stretches. */
const DECODE_SLICE_BYTES = 262_144;

const UTF16_BYTE_ORDERS: Record<Exclude<TextEncoding, 'utf-8'>, string> = {
  'utf-16le': 'little-endian',
  'utf-16be': 'big-endian',
};

const notText = (bytes: Uint8Array, encoding: TextEncoding, cause?: unknown) =>
  new HttpProblem(422, {
    type: 'urn:problem:unreadable-document',
    detail:
      encoding === 'utf-8'
        ? 'The document is not UTF-8 text (nor UTF-16 opening with a byte order mark)'
        : `The document opens with a UTF-16 (${UTF16_BYTE_ORDERS[encoding]}) byte order mark but is not UTF-16 text: ${
            bytes.length % 2 === 1
              ? 'it has an odd number of bytes'
              : 'it holds a surrogate without its pair'
          }`,
    cause,
  });

/** Refuses a document that opens with a UTF-32 byte order mark, naming it. */
const refuseUtf32 = (bytes: Uint8Array): void => {
  const byteOrder = utf32ByteOrderOf(bytes);
  if (byteOrder === undefined) return;
  throw new HttpProblem(422, {
    type: 'urn:problem:unreadable-document',
    detail: `The document opens with a UTF-32 (${byteOrder}) byte order mark: UTF-32 is not read; save it as UTF-8`,
  });
};

const binary = () =>
  new HttpProblem(422, {
    type: 'urn:problem:unreadable-document',
    detail: 'The document holds binary data, not text',
  });

/**
 * A text document's text, decoded a slice of bytes at a time in the encoding its byte order
 * mark names ({@link textEncodingOf}: UTF-16 LE or BE, else UTF-8), the mark left out. A
 * character cut between two slices comes whole in the later one, so every slice is
 * well-formed text. An HTML `<meta charset>` is not read: a page is UTF-8 unless a UTF-16
 * mark opens it.
 *
 * @throws HttpProblem 422 when the bytes are not text in that encoding (malformed UTF-8; an
 * odd number of bytes or an unpaired surrogate in UTF-16), hold NUL (binary data), or open with
 * a UTF-32 byte order mark (UTF-32 is not read, nor mistaken for UTF-16).
 *
 * @example
 * [...decodedSlices(Buffer.from('\ufeffHi', 'utf16le'))].join(''); // 'Hi'
 */
export function* decodedSlices(bytes: Uint8Array): Generator<string, void, void> {
  refuseUtf32(bytes);
  const encoding = textEncodingOf(bytes);
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: false });
  const decode = (slice?: Uint8Array): string => {
    let text: string;
    try {
      text = slice ? decoder.decode(slice, { stream: true }) : decoder.decode();
    } catch (cause) {
      throw notText(bytes, encoding, cause);
    }
    if (text.includes('\u0000')) throw binary();
    return text;
  };
  for (let start = 0; start < bytes.length; start += DECODE_SLICE_BYTES) {
    yield decode(bytes.subarray(start, start + DECODE_SLICE_BYTES));
  }
  yield decode();
}

/**
 * A text document's bytes decoded whole (see {@link decodedSlices}).
 *
 * @throws HttpProblem 422 when the bytes are not text, or hold NUL (binary data).
 *
 * @example
 * decodeText(Buffer.from('\ufeffcafé', 'utf16le')); // 'café'
 */
export const decodeText = (bytes: Uint8Array): string => [...decodedSlices(bytes)].join('');

/**
 * Checks that bytes are text (see {@link decodedSlices}) without making a string of the whole
 * document: UTF-8 is validated on the bytes, UTF-16 decoded a slice at a time.
 *
 * @throws HttpProblem 422 when the bytes are not text, hold NUL (binary data), or are UTF-32.
 */
export const checkText = (bytes: Uint8Array): void => {
  refuseUtf32(bytes);
  const encoding = textEncodingOf(bytes);
  if (encoding === 'utf-8') {
    if (!isUtf8(bytes)) throw notText(bytes, encoding);
    if (bytes.includes(0)) throw binary();
    return;
  }
  const slices = decodedSlices(bytes);
  while (!slices.next().done);
};

/**
 * The text of a document's first `maxBytes` bytes, without checking them: a character cut at
 * the end is left out, one that is not text replaced with U+FFFD. For bytes {@link checkText}
 * has accepted.
 *
 * @example
 * decodePrefix(Buffer.from('\ufeffcafé', 'utf16le'), 8); // 'caf'
 */
export const decodePrefix = (bytes: Uint8Array, maxBytes: number): string =>
  new TextDecoder(textEncodingOf(bytes)).decode(bytes.subarray(0, maxBytes), { stream: true });

/**
 * A text document's text in UTF-8, a slice at a time, for bytes {@link checkText} has accepted:
 * a UTF-8 file's own bytes less its byte order mark, a UTF-16 file's text encoded again. The
 * same text gives the same bytes in whichever encoding it was saved.
 *
 * @example
 * Buffer.concat([...utf8Slices(Buffer.from('\ufeffHi', 'utf16le'))]); // the bytes of 'Hi'
 */
export function* utf8Slices(bytes: Uint8Array): Generator<Uint8Array, void, void> {
  if (textEncodingOf(bytes) === 'utf-8') {
    yield withoutByteOrderMark(bytes);
    return;
  }
  for (const slice of decodedSlices(bytes)) yield Buffer.from(slice, 'utf8');
}
